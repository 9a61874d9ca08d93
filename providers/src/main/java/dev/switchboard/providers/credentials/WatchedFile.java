package dev.switchboard.providers.credentials;

import dev.switchboard.core.config.FileWatcher;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A file holding a secret (an API key, an AWS credentials file), parsed once at start and again whenever it changes,
 * so a rotated key is used by the next request. The parsed value is swapped in whole; a change that does not parse
 * (an empty file, a missing profile) is logged without its content and the previous value is kept.
 */
final class WatchedFile<T> implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(WatchedFile.class);

    private final Path file;
    private final Function<byte[], T> parse;
    private final FileWatcher watcher;
    private volatile T current;

    /**
     * @param parse turns the content into the value, throwing IllegalArgumentException with a message that holds no
     *              part of the content
     */
    WatchedFile(Path file, String what, Function<byte[], T> parse) {
        this.file = file;
        this.parse = parse;
        try {
            this.current = parse.apply(Files.readAllBytes(file));
            this.watcher = new FileWatcher(file, what, this::changed);
        } catch (IOException e) {
            throw new UncheckedIOException(file + " cannot be read (" + e.getClass().getSimpleName() + ")", e);
        }
    }

    T current() {
        return current;
    }

    private void changed(byte[] content) {
        T next;
        try {
            next = parse.apply(content);
        } catch (IllegalArgumentException e) {
            LOG.warn("{} changed but cannot be used ({}); keeping the previous value", file, e.getMessage());
            return;
        }
        current = next;
        LOG.info("{} changed; using the new value", file);
    }

    @Override
    public void close() {
        try {
            watcher.close();
        } catch (IOException e) {
            LOG.debug("closing the watch on {}", file, e);
        }
    }

    /** A file's content as one secret: UTF-8, trailing whitespace (the newline editors add) removed. */
    static Secret secretText(byte[] content) {
        String text = new String(content, StandardCharsets.UTF_8).strip();
        if (text.isEmpty()) {
            throw new IllegalArgumentException("the file is empty");
        }
        return Secret.of(text);
    }
}
