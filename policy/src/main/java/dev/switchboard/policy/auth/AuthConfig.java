package dev.switchboard.policy.auth;

import dev.switchboard.core.config.SecurityPolicy;
import dev.switchboard.policy.Quota;
import dev.switchboard.policy.limits.RateLimitPolicy;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Client authentication, as a {@code ClientAuth} document configures it ({@link AuthConfigReader} has the YAML).
 * Either part may be absent; with both, a credential shaped like a virtual key goes to the keys and one shaped like a
 * JWT to the verifier.
 *
 * @param name        the document's name
 * @param virtualKeys where the keys are (a key file or Redis) and the server secret their hashes are keyed with,
 *                    or null
 * @param jwt         JWT verification, or null
 */
public record AuthConfig(String name, Keys virtualKeys, Jwt jwt) {

    /**
     * @param file   the key file that {@code switchboard keys} writes (watched), or null
     * @param redis  the Redis that holds the keys (shared by replicas), or null; exactly one of the two is set
     * @param secret where the server secret is: an environment variable or a file, never inline
     */
    public record Keys(Path file, RedisKeys redis, SecurityPolicy.Secret secret) {
        public Keys {
            if ((file == null) == (redis == null)) {
                throw new IllegalArgumentException("exactly one of file and redis");
            }
        }

        /** Keys in a key file. */
        public Keys(Path file, SecurityPolicy.Secret secret) {
            this(file, null, secret);
        }
    }

    /**
     * Virtual keys kept in Redis: the hash {@code <keyPrefix>keys} (field = key id, value = the record as the key
     * file writes it) and the channel {@code <keyPrefix>keys:changed}, on which writers publish the id they changed.
     *
     * @param connection where Redis is, read as a {@code RateLimitPolicy}'s store is ({@code commandTimeout}, at
     *                   least a second, bounds each read of the keys)
     * @param refresh    how often the whole hash is read again, a backstop for a change message that was lost
     */
    public record RedisKeys(RateLimitPolicy.RedisStore connection, Duration refresh) {
        /** The Redis hash that holds the records. */
        public String hashKey() {
            return hashKey(connection.keyPrefix());
        }

        /** The channel writers publish a changed key's id on. */
        public String channel() {
            return channel(connection.keyPrefix());
        }

        /** The hash of the keys under {@code keyPrefix}; the one place the name is made (readers and writers). */
        public static String hashKey(String keyPrefix) {
            return keyPrefix + "keys";
        }

        /** The change channel under {@code keyPrefix}. */
        public static String channel(String keyPrefix) {
            return keyPrefix + "keys:changed";
        }
    }

    /**
     * @param issuer         the {@code iss} a token must carry
     * @param audiences      a token's {@code aud} (a string or a list) must name one of these
     * @param jwksFile       a JWKS file (watched), or null
     * @param jwksUrl        a JWKS URL (fetched in the background), or null; exactly one of the two is set
     * @param jwksRefresh    how often the URL is fetched again
     * @param algorithms     the accepted {@code alg}s (asymmetric only; {@code none} and HMAC never)
     * @param requiredClaims claims a token must carry, beside {@code sub}, {@code exp}, {@code iss} and {@code aud}
     * @param clockSkew      tolerance on {@code exp}, {@code nbf} and {@code iat} for clocks that disagree
     * @param principal      how claims become the principal
     */
    public record Jwt(String issuer, Set<String> audiences, Path jwksFile, URI jwksUrl, Duration jwksRefresh,
            Set<String> algorithms, List<String> requiredClaims, Duration clockSkew, Claims principal) {
        public Jwt {
            audiences = Set.copyOf(audiences);
            algorithms = Set.copyOf(algorithms);
            requiredClaims = List.copyOf(requiredClaims);
        }
    }

    /**
     * @param labels      principal label ← claim name ({@code team: org}); only these claims are copied
     * @param modelsClaim the claim listing the models it may call (a list, or a space-separated string), or null
     * @param routesClaim the claim listing the route rules it may reach, or null
     * @param tierClaim   the claim naming its tier ({@code tier: gold}), or null
     * @param tiers       the quota of each tier
     * @param defaultTier the tier of a token without the tier claim, or null (such a token gets no limits when no
     *                    tiers are configured, and is refused when some are)
     */
    public record Claims(Map<String, String> labels, String modelsClaim, String routesClaim, String tierClaim,
            Map<String, Quota> tiers, String defaultTier) {
        public Claims {
            labels = Map.copyOf(labels);
            tiers = Map.copyOf(tiers);
        }

        public static final Claims NONE = new Claims(Map.of(), null, null, null, Map.of(), null);
    }
}
