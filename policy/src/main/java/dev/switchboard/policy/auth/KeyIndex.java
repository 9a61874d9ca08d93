package dev.switchboard.policy.auth;

import dev.switchboard.policy.Principal;
import java.time.Clock;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;

/**
 * The virtual keys in force, indexed by id, and the one place a presented key is checked against them: a map read by
 * the key's id, one HMAC of the presented key and a constant-time compare; no lock, no I/O, a few microseconds.
 * A source feeds it: the watched key file ({@link VirtualKeys}) or a shared store (the {@code redis} module's key
 * store), each replacing the whole set or one record as it learns of changes.
 *
 * <p>The answers: an unknown id and a wrong secret are both "invalid key" (so ids cannot be probed); "key revoked"
 * and "key expired" are only said to a caller who holds the real key.
 */
public final class KeyIndex implements Authenticator {
    /*
     * Concurrency: readers (request threads) read the volatile map without a lock; writers (a file watcher, a
     * store's sync thread) build a new immutable map and swap it. Writers are serialized by this object's monitor so
     * that two sources of one change (a message and a full refresh) cannot lose each other's update; a write copies
     * the map, which is fine for the thousands of keys a gateway holds and the rate at which they change.
     */

    /** What a request needs from one record, ready: the decoded hash and the principal it runs as. */
    private record Entry(byte[] hash, Instant expiresAt, boolean revoked, Principal principal) {
        static Entry of(KeyRecord r) {
            return new Entry(HexFormat.of().parseHex(r.hash()), r.expiresAt(), r.revoked(), r.principal());
        }
    }

    private final ServerSecret secret;
    private final Clock clock;
    /** Swapped whole on each change; read without a lock. */
    private volatile Map<String, Entry> byId = Map.of();

    /** An empty index whose keys' hashes are keyed with {@code secret}; {@code clock} decides expiry. */
    public KeyIndex(ServerSecret secret, Clock clock) {
        this.secret = secret;
        this.clock = clock;
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

    /** Makes {@code records} the whole set of keys in force (a key file read, a full resync). */
    public synchronized void replaceAll(Collection<KeyRecord> records) {
        Map<String, Entry> out = new HashMap<>();
        for (KeyRecord r : records) {
            out.put(r.id(), Entry.of(r));
        }
        byId = Map.copyOf(out);
    }

    /** Adds {@code record}, or replaces the record with its id (created, revoked). */
    public synchronized void put(KeyRecord record) {
        Map<String, Entry> out = new HashMap<>(byId);
        out.put(record.id(), Entry.of(record));
        byId = Map.copyOf(out);
    }

    /** Forgets the key {@code id} (its record was deleted from the source); a key it does not hold is a no-op. */
    public synchronized void remove(String id) {
        if (byId.containsKey(id)) {
            Map<String, Entry> out = new HashMap<>(byId);
            out.remove(id);
            byId = Map.copyOf(out);
        }
    }

    /** How many keys are in force (revoked ones included), for the admin view and tests. */
    public int size() {
        return byId.size();
    }
}
