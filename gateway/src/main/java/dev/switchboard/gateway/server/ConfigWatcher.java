package dev.switchboard.gateway.server;

import dev.switchboard.core.config.ConfigException;
import dev.switchboard.core.config.ConfigLoader;
import dev.switchboard.core.config.GatewayConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the configuration file and hands every valid new version to the gateway. An invalid version is rejected
 * whole, with the loader's precise error logged, and the running configuration stays.
 */
public final class ConfigWatcher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ConfigWatcher.class);

    /** Applies a configuration; may still reject it. */
    @FunctionalInterface
    public interface Apply {
        void apply(GatewayConfig config) throws ConfigException;
    }

    private final FileWatcher watcher;

    public ConfigWatcher(Path file, Apply apply) throws IOException {
        Path absolute = file.toAbsolutePath();
        this.watcher = new FileWatcher(absolute, "config", content -> {
            try {
                apply.apply(ConfigLoader.parse(new String(content, StandardCharsets.UTF_8),
                        absolute.getFileName().toString(), absolute.getParent()));
            } catch (ConfigException e) {
                LOG.error("configuration rejected, keeping the running one: {}", e.getMessage());
            }
        });
    }

    @Override
    public void close() throws IOException {
        watcher.close();
    }
}
