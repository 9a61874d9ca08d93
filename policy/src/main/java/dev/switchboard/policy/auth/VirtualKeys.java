package dev.switchboard.policy.auth;

import dev.switchboard.core.config.FileWatcher;
import dev.switchboard.policy.Principal;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Virtual keys ({@code sk-sb-<id>-<secret>}, {@link VirtualKey}) checked against a watched key file
 * ({@link KeyFile}). A lookup is a map read by the key's id, one HMAC of the presented key and a constant-time
 * compare: no lock, no I/O, a few microseconds.
 *
 * <p>The key file is re-read when it changes (within {@link FileWatcher}'s debounce): a created, rotated or revoked
 * key takes effect for the next request; a change that does not parse is logged (where, never a value) and the keys
 * read before stay in force. The answers: an unknown id and a wrong secret are both "invalid key" (so ids cannot be
 * probed); "key revoked" and "key expired" are only said to a caller who holds the real key.
 */
public final class VirtualKeys implements Authenticator, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(VirtualKeys.class);

    /** What a request needs from one record, ready: the decoded hash and the principal it runs as. */
    private record Entry(byte[] hash, Instant expiresAt, boolean revoked, Principal principal) {}

    private final Path file;
    private final ServerSecret secret;
    private final Clock clock;
    private final FileWatcher watcher;
    /** Swapped whole on each good change; read without a lock. */
    private volatile Map<String, Entry> byId;

    private VirtualKeys(Path file, ServerSecret secret, Clock clock, boolean watch) {
        this.file = file.toAbsolutePath();
        this.secret = secret;
        this.clock = clock;
        try {
            this.byId = index(KeyFile.parse(Files.readAllBytes(this.file)));
        } catch (IOException e) {
            throw new UncheckedIOException("the key file " + this.file + " cannot be read (" + e.getClass().getSimpleName()
                    + "); create it with: switchboard keys create --file " + this.file, e);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the key file " + this.file + " cannot be used: " + e.getMessage(), e);
        }
        LOG.info("key file {}: {} keys", this.file, byId.size());
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
        PresentedCredential.Reading read = PresentedCredential.read(credentials);
        if (read instanceof PresentedCredential.Refused refused) {
            return refused.denied();
        }
        if (!(read instanceof PresentedCredential.Found found) || !VirtualKey.looksLikeOne(found.value())) {
            return AuthResult.ABSTAINED;
        }
        String key = found.value();
        String id = VirtualKey.idOf(key);
        Entry e = id == null ? null : byId.get(id);
        // the HMAC runs for unknown ids too, so timing does not tell them apart from wrong secrets
        boolean matches = secret.matches(key, e == null ? new byte[32] : e.hash());
        if (e == null || !matches) {
            return Denials.invalidKey();
        }
        if (e.revoked()) {
            return Denials.invalidToken("key revoked: ask for a new key", "key_revoked");
        }
        if (e.expiresAt() != null && !clock.instant().isBefore(e.expiresAt())) {
            return Denials.invalidToken("key expired on " + e.expiresAt() + ": ask for a new key", "key_expired");
        }
        return new AuthResult.Authenticated(e.principal());
    }

    /** How many keys are in force (revoked ones included), for the admin view and tests. */
    public int size() {
        return byId.size();
    }

    private void changed(byte[] content) {
        try {
            byId = index(KeyFile.parse(content));
            LOG.info("key file {} changed: {} keys", file, byId.size());
        } catch (IllegalArgumentException e) {
            LOG.error("key file {} changed but cannot be used ({}); keeping the {} keys read before", file,
                    e.getMessage(), byId.size());
        }
    }

    private static Map<String, Entry> index(List<KeyRecord> records) {
        Map<String, Entry> out = new HashMap<>();
        for (KeyRecord r : records) {
            out.put(r.id(), new Entry(HexFormat.of().parseHex(r.hash()), r.expiresAt(), r.revoked(), r.principal()));
        }
        return Map.copyOf(out);
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
        return "VirtualKeys[" + file + ", " + byId.size() + " keys]";
    }
}
