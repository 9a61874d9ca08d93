package dev.switchboard.gateway.server;

import dev.switchboard.core.config.ConfigException;
import dev.switchboard.core.config.ConfigLoader;
import dev.switchboard.core.config.GatewayConfig;
import dev.switchboard.gateway.pool.EndpointPickers;
import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the configuration file and hands every valid new version to the gateway. An invalid version is rejected
 * whole, with the loader's precise error logged, and the running configuration stays.
 */
public final class ConfigWatcher implements AutoCloseable {
    /*
     * The directory is watched, not the file: editors save by writing a temporary file and renaming it, and
     * Kubernetes ConfigMap volumes swap a symlink, so the file's own inode changes. Events are debounced (several
     * writes of one save become one reload) and the content is compared, so a touch without a change does nothing.
     */

    /** Quiet time after the last event before the file is read. */
    static final long DEBOUNCE_MILLIS = 200;
    private static final Logger LOG = LoggerFactory.getLogger(ConfigWatcher.class);

    private final Path file;
    private final Consumer<GatewayConfig> apply;
    private final WatchService watcher;
    private final Thread thread;
    private byte[] lastContent;

    public ConfigWatcher(Path file, Consumer<GatewayConfig> apply) throws IOException {
        this.file = file.toAbsolutePath();
        this.apply = apply;
        this.lastContent = Files.readAllBytes(this.file);
        this.watcher = this.file.getFileSystem().newWatchService();
        this.file.getParent().register(watcher, StandardWatchEventKinds.ENTRY_CREATE,
                StandardWatchEventKinds.ENTRY_MODIFY, StandardWatchEventKinds.ENTRY_DELETE);
        this.thread = Thread.ofPlatform().name("config-watcher").daemon().start(this::run);
    }

    private void run() {
        try {
            while (true) {
                WatchKey key = watcher.take();
                key.pollEvents();
                key.reset();
                // debounce: wait until the directory has been quiet for a while
                for (WatchKey more; (more = watcher.poll(DEBOUNCE_MILLIS, TimeUnit.MILLISECONDS)) != null; ) {
                    more.pollEvents();
                    more.reset();
                }
                check();
            }
        } catch (InterruptedException | ClosedWatchServiceException e) {
            // closed
        }
    }

    /** Reloads if the file's content changed. */
    void check() {
        byte[] content;
        try {
            content = Files.readAllBytes(file);
        } catch (IOException e) {
            LOG.error("configuration {} cannot be read ({}); keeping the running configuration", file, e.getMessage());
            return;
        }
        if (Arrays.equals(content, lastContent)) {
            return;
        }
        lastContent = content;
        try {
            GatewayConfig next = ConfigLoader.parse(new String(content, java.nio.charset.StandardCharsets.UTF_8),
                    file.getFileName().toString());
            EndpointPickers.load(next); // the pools' EndpointPickerConfigs, which core cannot check
            apply.accept(next);
        } catch (ConfigException e) {
            LOG.error("configuration rejected, keeping the running one: {}", e.getMessage());
        }
    }

    @Override
    public void close() throws IOException {
        watcher.close();
        thread.interrupt();
    }
}
