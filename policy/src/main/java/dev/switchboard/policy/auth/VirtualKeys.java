package dev.switchboard.policy.auth;

import dev.switchboard.core.config.FileWatcher;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Virtual keys ({@code sk-sb-<id>-<secret>}, {@link VirtualKey}) checked against a watched key file
 * ({@link KeyFile}), which feeds a {@link KeyIndex}: the lookup and its answers are the index's, shared with the
 * keys a shared store holds.
 *
 * <p>The key file is re-read when it changes (within {@link FileWatcher}'s debounce): a created, rotated or revoked
 * key takes effect for the next request; a change that does not parse is logged (where, never a value) and the keys
 * read before stay in force.
 */
public final class VirtualKeys implements Authenticator, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(VirtualKeys.class);

    private final Path file;
    private final KeyIndex index;
    private final FileWatcher watcher;

    private VirtualKeys(Path file, ServerSecret secret, Clock clock, boolean watch) {
        this.file = file.toAbsolutePath();
        this.index = new KeyIndex(secret, clock);
        try {
            index.replaceAll(KeyFile.parse(Files.readAllBytes(this.file)));
        } catch (IOException e) {
            throw new UncheckedIOException("the key file " + this.file + " cannot be read (" + e.getClass().getSimpleName()
                    + "); create it with: switchboard keys create --file " + this.file, e);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the key file " + this.file + " cannot be used: " + e.getMessage(), e);
        }
        LOG.info("key file {}: {} keys", this.file, index.size());
        try {
            this.watcher = watch ? new FileWatcher(this.file, "keys", this::changed) : null;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot watch the key file " + this.file, e);
        }
    }

    /** Reads {@code file} now and again whenever it changes; throws when it cannot be read or used now. */
    public static VirtualKeys watching(Path file, ServerSecret secret, Clock clock) {
        return new VirtualKeys(file, secret, clock, true);
    }

    /** Reads {@code file} once (a tool, or a test that does not watch). */
    public static VirtualKeys readOnce(Path file, ServerSecret secret, Clock clock) {
        return new VirtualKeys(file, secret, clock, false);
    }

    @Override
    public AuthResult authenticate(ClientCredentials credentials) {
        return index.authenticate(credentials);
    }

    /** How many keys are in force (revoked ones included), for the admin view and tests. */
    public int size() {
        return index.size();
    }

    private void changed(byte[] content) {
        try {
            index.replaceAll(KeyFile.parse(content));
            LOG.info("key file {} changed: {} keys", file, index.size());
        } catch (IllegalArgumentException e) {
            LOG.error("key file {} changed but cannot be used ({}); keeping the {} keys read before", file,
                    e.getMessage(), index.size());
        }
    }

    @Override
    public void close() {
        if (watcher != null) {
            try {
                watcher.close();
            } catch (IOException e) {
                LOG.debug("closing the watch on {}", file, e);
            }
        }
    }

    @Override
    public String toString() {
        return "VirtualKeys[" + file + ", " + index.size() + " keys]";
    }
}
