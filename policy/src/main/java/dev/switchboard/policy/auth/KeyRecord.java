package dev.switchboard.policy.auth;

import dev.switchboard.policy.Principal;
import dev.switchboard.policy.Quota;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * One virtual key as the key file holds it: never the key, only its HMAC ({@link ServerSecret}). Its
 * {@code toString} leaves the hash out too, so a record can be logged.
 *
 * @param id        the key's public id (the {@code <id>} of {@code sk-sb-<id>-<secret>})
 * @param hash      HMAC-SHA-256(server secret, key), lower-case hex
 * @param labels    metadata for metrics and the access log ({@code team}, {@code user})
 * @param models    models it may call; empty for any
 * @param routes    route rules it may reach; empty for any
 * @param quota     its limits
 * @param createdAt when it was made
 * @param expiresAt when it stops working, or null for never
 * @param revoked   whether it was revoked (kept in the file, so {@code list} shows it and the id is not reused)
 */
public record KeyRecord(String id, String hash, Map<String, String> labels, Set<String> models, Set<String> routes,
        Quota quota, Instant createdAt, Instant expiresAt, boolean revoked) {
    public KeyRecord {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(hash, "hash");
        labels = Map.copyOf(labels);
        models = Set.copyOf(models);
        routes = Set.copyOf(routes);
        Objects.requireNonNull(quota, "quota");
        Objects.requireNonNull(createdAt, "createdAt");
    }

    public KeyRecord withRevoked() {
        return new KeyRecord(id, hash, labels, models, routes, quota, createdAt, expiresAt, true);
    }

    /** Who a request with this key runs as. */
    public Principal principal() {
        return new Principal(id, Principal.Source.VIRTUAL_KEY, labels, models, routes, quota);
    }

    @Override
    public String toString() {
        return "KeyRecord[id=" + id + ", labels=" + labels + ", models=" + models + ", routes=" + routes + ", quota="
                + quota + ", createdAt=" + createdAt + ", expiresAt=" + expiresAt + ", revoked=" + revoked + "]";
    }
}
