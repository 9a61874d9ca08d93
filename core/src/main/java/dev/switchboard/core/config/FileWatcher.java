package dev.switchboard.core.config;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches one file and hands each new content to a consumer, on the watcher's own thread. The thread outlives a
 * consumer that throws: the failure is logged and counted ({@link #failures()}), and the next change is handed on
 * as usual (the same content again is not, since nothing changed).
 */
public final class FileWatcher implements AutoCloseable {
    /*
     * The directory is watched, not the file: editors save by writing a temporary file and renaming it, and
     * Kubernetes ConfigMap volumes swap a symlink, so the file's own inode changes. Events are debounced (several
     * writes of one save become one change) and the content is compared, so a touch without a change does nothing.
     */

    /** Quiet time after the last event before the file is read. */
    static final long DEBOUNCE_MILLIS = 200;
    private static final Logger LOG = LoggerFactory.getLogger(FileWatcher.class);

    private final Path file;
    private final Consumer<byte[]> onChange;
    private final WatchService watcher;
    private final Thread thread;
    private final LongAdder failures = new LongAdder();
    private byte[] lastContent;

    /** Starts watching; {@code onChange} is called for changes after now, not for the current content. */
    public FileWatcher(Path file, String what, Consumer<byte[]> onChange) throws IOException {
        this.file = file.toAbsolutePath();
        this.onChange = onChange;
        this.lastContent = Files.readAllBytes(this.file);
        this.watcher = this.file.getFileSystem().newWatchService();
        this.file.getParent().register(watcher, StandardWatchEventKinds.ENTRY_CREATE,
                StandardWatchEventKinds.ENTRY_MODIFY, StandardWatchEventKinds.ENTRY_DELETE);
        this.thread = Thread.ofPlatform().name(what + "-watcher").daemon().start(this::run);
    }

    public Path file() {
        return file;
    }

    /** Changes whose consumer threw, since the start. */
    public long failures() {
        return failures.sum();
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

    /** Hands the content on if it changed. */
    void check() {
        byte[] content;
        try {
            content = Files.readAllBytes(file);
        } catch (IOException e) {
            LOG.error("{} cannot be read ({}); keeping what was read before", file, e.getMessage());
            return;
        }
        if (Arrays.equals(content, lastContent)) {
            return;
        }
        lastContent = content;
        try {
            onChange.accept(content);
        } catch (RuntimeException e) { // a bug or a resource that failed; this thread must not die of it
            failures.increment();
            LOG.error("{} changed, and applying the change failed; still watching for the next one", file, e);
        }
    }

    @Override
    public void close() throws IOException {
        watcher.close();
        thread.interrupt();
    }
}
