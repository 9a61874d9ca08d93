package dev.switchboard.policy.limits;

import dev.switchboard.policy.Quota;
import java.time.Duration;
import java.util.List;

/**
 * The limits config ({@code RateLimitPolicy} kind, read by {@link RateLimitPolicyReader}).
 *
 * @param minOutputTokens        the least output worth sending a request for: when the limits leave less, the
 *                               request is refused rather than sent to be cut short
 * @param defaultMaxOutputTokens the output reserved (and written as {@code max_tokens}) for a request that sets none
 * @param ticketLifetime         how long a reservation waits for its settlement; after it, it stays charged as
 *                               reserved (a gateway that died mid-request never settles)
 * @param principalDefaults      limits for a principal whose own quota leaves a field unset (-1 / null)
 * @param models                 limits per model, shared by every caller of it
 * @param routes                 limits per route rule (by name), shared by every caller of it
 * @param redis                  the shared store, or null to keep limits in this process's memory
 */
public record RateLimitPolicy(long minOutputTokens, long defaultMaxOutputTokens, Duration ticketLifetime,
        Quota principalDefaults, List<ScopeLimits> models, List<ScopeLimits> routes, RedisStore redis) {
    public static final RateLimitPolicy DEFAULT = new RateLimitPolicy(16, 4096, Duration.ofMinutes(15), Quota.NONE,
            List.of(), List.of(), null);

    public RateLimitPolicy {
        models = List.copyOf(models);
        routes = List.copyOf(routes);
    }

    /**
     * Limits for one model (or every model with a name prefix) or one route.
     *
     * @param name      the model or route name, or the prefix
     * @param prefix    whether {@code name} is a prefix (all matching models share one limit)
     * @param quota     its request, token and money limits (-1 / null where none)
     * @param tokenType which tokens its token limit counts
     */
    public record ScopeLimits(String name, boolean prefix, Quota quota, TokenType tokenType) {}

    /**
     * Where the shared store is. The password is never in config: it names an environment variable.
     *
     * @param host           Redis host
     * @param port           Redis port
     * @param passwordEnv    environment variable holding the password, or null for none
     * @param commandTimeout how long a command may take before the limiter decides locally
     * @param keyPrefix      prefix of every key this gateway writes
     */
    public record RedisStore(String host, int port, String passwordEnv, Duration commandTimeout, String keyPrefix) {}
}
