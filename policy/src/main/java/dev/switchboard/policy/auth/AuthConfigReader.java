package dev.switchboard.policy.auth;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.core.config.ConfigException;
import dev.switchboard.core.config.Fields;
import dev.switchboard.core.config.SecurityPolicy;
import dev.switchboard.policy.Quota;
import dev.switchboard.policy.limits.RateLimitPolicyReader;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads the {@code spec} of a {@code ClientAuth} document into {@link AuthConfig}. The whole shape, every field
 * shown (relative paths are against the config file's directory):
 *
 * <pre>{@code
 * apiVersion: switchboard.dev/v1alpha1
 * kind: ClientAuth
 * metadata: {name: clients}
 * spec:
 *   virtualKeys:                        # keys made with: switchboard keys create --file keys.json ...
 *     file: keys.json                   # the key file (watched: created, revoked keys apply within a second)
 *     # redis:                          # instead of file: keys shared by replicas (switchboard keys create --redis)
 *     #   host: 127.0.0.1               # host, port, password, keyPrefix as a RateLimitPolicy's store.redis
 *     #   port: 6379
 *     #   password: {env: REDIS_PASSWORD}
 *     #   keyPrefix: "switchboard:"     # the hash <keyPrefix>keys, the channel <keyPrefix>keys:changed
 *     #   refresh: 30s                  # the whole hash read again (a change message may be lost); 1s or more
 *     secret: {env: SWITCHBOARD_KEY_SECRET}   # or {file: /run/secrets/switchboard-key-secret}; 32+ bytes
 *   jwt:
 *     issuer: https://login.example.com/
 *     audiences: [switchboard]          # or one string; a token's aud must name one of them
 *     jwksUrl: https://login.example.com/.well-known/jwks.json   # https, or http to a loopback address
 *     jwksRefresh: 10m                  # default 10m; an unknown kid also refetches, at most once a minute
 *     # jwksFile: jwks.json             # instead of jwksUrl: a JWKS file, watched
 *     algorithms: [RS256, ES256]        # the default; RS/PS/ES 256/384/512 accepted, never none or HS*
 *     requiredClaims: [org]             # beside sub, iss, aud, exp, which are always required
 *     clockSkew: 30s                    # default 30s, at most 5m
 *     principal:
 *       labels: {team: org, user: email}   # principal label <- claim (only these claims are copied)
 *       modelsClaim: models             # a list or a space-separated string; absent claim = any model
 *       routesClaim: routes
 *       tierClaim: tier                 # which tier's quota applies
 *       defaultTier: bronze             # for tokens without the claim; without it they are refused (403)
 *       tiers:
 *         gold: {rpm: 600, tpm: 2000000, budget: {usd: "500.00", period: 30d}}
 *         bronze: {rpm: 60, tpm: 100000}
 * }</pre>
 *
 * At least one of {@code virtualKeys} and {@code jwt} is required. The secret is named, never inline: a value in the
 * file would end up in backups, diffs and the admin API.
 */
public final class AuthConfigReader {
    static final Duration DEFAULT_REFRESH = Duration.ofMinutes(10);
    static final Duration DEFAULT_SKEW = Duration.ofSeconds(30);
    static final Duration MAX_SKEW = Duration.ofMinutes(5);
    /** How often keys kept in Redis are read whole again, a backstop for a lost change message. */
    static final Duration DEFAULT_KEYS_REFRESH = Duration.ofSeconds(30);

    private AuthConfigReader() {}

    public static AuthConfig read(String name, Fields spec, Path baseDir) throws ConfigException {
        spec.only("virtualKeys", "jwt");
        if (!spec.has("virtualKeys") && !spec.has("jwt")) {
            throw spec.error("expected virtualKeys, jwt or both");
        }
        AuthConfig.Keys keys = spec.has("virtualKeys") ? keys(spec.object("virtualKeys"), baseDir) : null;
        AuthConfig.Jwt jwt = spec.has("jwt") ? jwt(spec.object("jwt"), baseDir) : null;
        return new AuthConfig(name, keys, jwt);
    }

    private static AuthConfig.Keys keys(Fields f, Path baseDir) throws ConfigException {
        f.only("file", "redis", "secret");
        if (!f.has("secret")) {
            throw f.error("secret", "required: where the server secret is, {env: VARIABLE} or {file: /path}; the key"
                    + " file's hashes are keyed with it");
        }
        if (f.has("file") == f.has("redis")) {
            throw f.error("expected exactly one of file (a key file) or redis (keys shared by replicas in Redis)");
        }
        SecurityPolicy.Secret secret = secret(f.object("secret"), baseDir);
        return f.has("file") ? new AuthConfig.Keys(baseDir.resolve(f.string("file")), secret)
                : new AuthConfig.Keys(null, redisKeys(f.object("redis")), secret);
    }

    private static AuthConfig.RedisKeys redisKeys(Fields f) throws ConfigException {
        Duration refresh = f.duration("refresh", DEFAULT_KEYS_REFRESH);
        if (refresh.compareTo(Duration.ofSeconds(1)) < 0) {
            throw f.error("refresh", "expected 1s or more: each refresh reads every key");
        }
        return new AuthConfig.RedisKeys(RateLimitPolicyReader.redisStore(f, "refresh"), refresh);
    }

    private static SecurityPolicy.Secret secret(Fields f, Path baseDir) throws ConfigException {
        f.only("env", "file", "value");
        if (f.has("value")) {
            throw f.error("value", "a secret is never written inline; name where it is: {env: VARIABLE} or {file: /path}");
        }
        if (f.has("env") == f.has("file")) {
            throw f.error("expected exactly one of env (an environment variable's name) or file (a path)");
        }
        return f.has("env") ? new SecurityPolicy.Secret(f.string("env"), null)
                : new SecurityPolicy.Secret(null, baseDir.resolve(f.string("file")));
    }

    private static AuthConfig.Jwt jwt(Fields f, Path baseDir) throws ConfigException {
        f.only("issuer", "audiences", "jwksUrl", "jwksFile", "jwksRefresh", "algorithms", "requiredClaims", "clockSkew",
                "principal");
        if (f.has("jwksUrl") == f.has("jwksFile")) {
            throw f.error("expected exactly one of jwksUrl or jwksFile: where the issuer's public keys are");
        }
        URI url = f.has("jwksUrl") ? jwksUrl(f) : null;
        Path file = f.has("jwksFile") ? baseDir.resolve(f.string("jwksFile")) : null;
        Set<String> audiences = new LinkedHashSet<>();
        JsonNode aud = f.node().get("audiences");
        if (aud != null && aud.isTextual()) {
            audiences.add(f.string("audiences"));
        } else {
            audiences.addAll(f.strings("audiences"));
        }
        if (audiences.isEmpty()) {
            throw f.error("audiences", "required: the audience (aud) tokens for this gateway carry");
        }
        Set<String> algorithms = new LinkedHashSet<>(f.strings("algorithms"));
        for (String alg : algorithms) {
            if (!JwtAuthenticator.SUPPORTED.contains(alg)) {
                throw f.error("algorithms", "'" + alg + "' is not accepted"
                        + (alg.equalsIgnoreCase("none") ? " (unsigned tokens are always refused)"
                        : alg.toUpperCase(java.util.Locale.ROOT).startsWith("HS") ? " (HMAC needs a shared secret;"
                        + " use the issuer's public keys)" : "") + "; expected some of "
                        + String.join(", ", new java.util.TreeSet<>(JwtAuthenticator.SUPPORTED)));
            }
        }
        Duration refresh = f.duration("jwksRefresh", DEFAULT_REFRESH);
        if (refresh.compareTo(Duration.ofSeconds(10)) < 0) {
            throw f.error("jwksRefresh", "expected 10s or more");
        }
        Duration skew = f.duration("clockSkew", DEFAULT_SKEW);
        if (skew.compareTo(MAX_SKEW) > 0) {
            throw f.error("clockSkew", "expected at most 5m: a larger skew keeps expired tokens working");
        }
        return new AuthConfig.Jwt(f.string("issuer"), audiences, file, url, refresh,
                algorithms.isEmpty() ? JwtAuthenticator.DEFAULT_ALGORITHMS : algorithms, f.strings("requiredClaims"),
                skew, claims(f.optionalObject("principal")));
    }

    private static URI jwksUrl(Fields f) throws ConfigException {
        URI url;
        try {
            url = new URI(f.string("jwksUrl"));
        } catch (URISyntaxException e) {
            throw f.error("jwksUrl", "not a URL");
        }
        if (url.getHost() == null || !("https".equals(url.getScheme()) || "http".equals(url.getScheme()) && loopback(url))) {
            throw f.error("jwksUrl", "expected an https:// URL (http only to a loopback address): keys fetched in the"
                    + " clear could be swapped on the way");
        }
        return url;
    }

    private static boolean loopback(URI url) {
        String host = url.getHost();
        if (host.equals("localhost")) {
            return true;
        }
        try {
            // a literal address only: never a name lookup while reading config
            return host.matches("[0-9.]+|\\[?[0-9a-fA-F:]+\\]?") && InetAddress.getByName(host).isLoopbackAddress();
        } catch (java.net.UnknownHostException e) {
            return false;
        }
    }

    private static AuthConfig.Claims claims(Fields f) throws ConfigException {
        f.only("labels", "modelsClaim", "routesClaim", "tierClaim", "defaultTier", "tiers");
        Map<String, String> labels = new LinkedHashMap<>();
        Fields l = f.optionalObject("labels");
        for (Iterator<String> it = l.fieldNames(); it.hasNext(); ) {
            String label = it.next();
            labels.put(label, l.string(label));
        }
        Map<String, Quota> tiers = new LinkedHashMap<>();
        Fields t = f.optionalObject("tiers");
        for (Iterator<String> it = t.fieldNames(); it.hasNext(); ) {
            String tier = it.next();
            tiers.put(tier, quota(t.object(tier)));
        }
        String tierClaim = f.optionalString("tierClaim", null);
        String defaultTier = f.optionalString("defaultTier", null);
        if (!tiers.isEmpty() && tierClaim == null) {
            throw f.error("tierClaim", "required with tiers: the claim that names a token's tier");
        }
        if (defaultTier != null && !tiers.containsKey(defaultTier)) {
            throw f.error("defaultTier", "'" + defaultTier + "' is not one of the tiers " + tiers.keySet());
        }
        return new AuthConfig.Claims(labels, f.optionalString("modelsClaim", null), f.optionalString("routesClaim", null),
                tierClaim, tiers, defaultTier);
    }

    /** {@code {rpm, tpm, budget: {usd, period}}}, each optional. */
    static Quota quota(Fields f) throws ConfigException {
        f.only("rpm", "tpm", "budget");
        Quota.Budget budget = null;
        if (f.has("budget")) {
            Fields b = f.object("budget").only("usd", "period");
            JsonNode usd = b.node().get("usd");
            if (usd == null || !(usd.isNumber() || usd.isTextual())) {
                throw b.error("usd", "required: an amount in US dollars like \"12.50\"");
            }
            try {
                budget = new Quota.Budget(Money.microDollars(usd.isNumber() ? usd.decimalValue().toPlainString()
                        : usd.asText()), Periods.parse(b.string("period")));
            } catch (IllegalArgumentException e) {
                throw b.error(e.getMessage());
            }
        }
        return new Quota(count(f, "rpm"), count(f, "tpm"), budget);
    }

    private static long count(Fields f, String field) throws ConfigException {
        return f.has(field) ? f.quantity(field, -1) : -1;
    }
}
