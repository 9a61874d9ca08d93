package dev.switchboard.policy.limits;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.core.config.ConfigException;
import dev.switchboard.core.config.Durations;
import dev.switchboard.core.config.Fields;
import dev.switchboard.policy.Quota;
import dev.switchboard.policy.usage.Price;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Reads the {@code spec} of a {@code RateLimitPolicy} document ({@code switchboard.dev/v1alpha1}). A principal's own
 * limits come with it (its key's record, its token's claims); this kind sets what the gateway adds: defaults for
 * principals, limits per model and per route that every caller shares, and where the state is kept. Rates are per
 * minute; counts are integers or Kubernetes quantities ({@code 100k}, {@code 2M}); money is US dollars, read exactly.
 *
 * <pre>{@code
 * apiVersion: switchboard.dev/v1alpha1
 * kind: RateLimitPolicy
 * metadata:
 *   name: limits
 * spec:
 *   minOutputTokens: 16          # refuse, rather than send, a request the limits leave less output than this
 *   defaultMaxOutputTokens: 4096 # reserved (and written as max_tokens) when a request sets no bound
 *   ticketLifetime: 15m          # a reservation not settled by then stays charged as reserved
 *   principalDefaults:           # for every principal whose own quota leaves the field unset
 *     requestsPerMinute: 60
 *     tokensPerMinute: 100k
 *     budget: {amount: "5.00", period: 1d}   # fixed windows from the epoch: 1d, 7d, 30d, or 12h, 90m ...
 *   models:                      # shared by all callers of the model
 *     - name: gpt-4o             # exact; or prefix: gpt-4o- (every model under it shares one limit)
 *       requestsPerMinute: 500
 *       tokensPerMinute: 2M
 *       tokenType: TotalToken    # Envoy AI Gateway's llmRequestCosts types: TotalToken, InputToken, OutputToken
 *       budget: {amount: "200", period: 30d}
 *   routes:                      # by the AIGatewayRoute rule's name
 *     - name: batch
 *       tokensPerMinute: 500k
 *   store:                       # absent: in this process's memory
 *     redis:
 *       host: 127.0.0.1
 *       port: 6379
 *       password: {env: REDIS_PASSWORD}   # never inline
 *       commandTimeout: 100ms    # past it, the request is decided on local limits (and Redis marked down)
 *       keyPrefix: "switchboard:"
 * }</pre>
 */
public final class RateLimitPolicyReader {
    private RateLimitPolicyReader() {}

    public static RateLimitPolicy read(Fields spec) throws ConfigException {
        spec.only("minOutputTokens", "defaultMaxOutputTokens", "ticketLifetime", "principalDefaults", "models",
                "routes", "store");
        RateLimitPolicy d = RateLimitPolicy.DEFAULT;
        long minOut = spec.quantity("minOutputTokens", d.minOutputTokens());
        long defaultMax = spec.quantity("defaultMaxOutputTokens", d.defaultMaxOutputTokens());
        if (minOut < 1 || minOut > defaultMax) {
            throw spec.error("minOutputTokens", "expected between 1 and defaultMaxOutputTokens (" + defaultMax + ")");
        }
        Duration lifetime = spec.duration("ticketLifetime", d.ticketLifetime());
        Quota defaults = spec.has("principalDefaults") ? quota(spec.object("principalDefaults").only(
                "requestsPerMinute", "tokensPerMinute", "budget")) : Quota.NONE;
        Set<String> seen = new HashSet<>();
        var models = spec.list("models", m -> scope(m, true, seen));
        seen.clear();
        var routes = spec.list("routes", r -> scope(r, false, seen));
        RateLimitPolicy.RedisStore redis = null;
        if (spec.has("store")) {
            Fields store = spec.object("store").only("redis");
            redis = store.has("redis") ? redisStore(store.object("redis")) : null;
        }
        return new RateLimitPolicy(minOut, defaultMax, lifetime, defaults, models, routes, redis);
    }

    private static RateLimitPolicy.ScopeLimits scope(Fields f, boolean model, Set<String> seen) throws ConfigException {
        if (model) {
            f.only("name", "prefix", "requestsPerMinute", "tokensPerMinute", "tokenType", "budget");
            if (f.has("name") == f.has("prefix")) {
                throw f.error("expected exactly one of name (an exact model name) or prefix (a model name prefix)");
            }
        } else {
            f.only("name", "requestsPerMinute", "tokensPerMinute", "tokenType", "budget");
        }
        boolean prefix = model && f.has("prefix");
        String name = f.string(prefix ? "prefix" : "name");
        if (!seen.add((prefix ? "prefix:" : "name:") + name)) {
            throw f.error(prefix ? "prefix" : "name", "'" + name + "' has limits twice");
        }
        String type = f.optionalString("tokenType", TokenType.TOTAL.configName);
        TokenType tokenType = null;
        for (TokenType t : TokenType.values()) {
            if (t.configName.equals(type)) {
                tokenType = t;
            }
        }
        if (tokenType == null) {
            throw f.error("tokenType", "expected TotalToken, InputToken or OutputToken, got '" + type + "'"
                    + (type.equals("CEL") || type.contains("Cache") || type.equals("ReasoningToken")
                    ? " (money is counted by a budget with prices from a PriceTable, not by a token type)" : ""));
        }
        return new RateLimitPolicy.ScopeLimits(name, prefix, quota(f), tokenType);
    }

    private static Quota quota(Fields f) throws ConfigException {
        Quota.Budget budget = null;
        if (f.has("budget")) {
            Fields b = f.object("budget").only("amount", "period");
            budget = new Quota.Budget(dollars(b, "amount"), period(b, "period"));
        }
        return new Quota(f.quantity("requestsPerMinute", -1), f.quantity("tokensPerMinute", -1), budget);
    }

    private static long dollars(Fields f, String field) throws ConfigException {
        JsonNode v = f.node().get(field);
        try {
            BigDecimal amount = v == null ? null : v.isNumber() ? v.decimalValue()
                    : v.isTextual() ? new BigDecimal(v.asText().trim()) : null;
            if (amount == null) {
                throw f.error(field, "required: US dollars, like \"5.00\"");
            }
            // dollars to micro-dollars: the same exact conversion as a price (per million = per unit * 10^6)
            return Price.microsPerMillion(amount);
        } catch (NumberFormatException e) {
            throw f.error(field, "expected US dollars, like \"5.00\", got " + v);
        } catch (IllegalArgumentException e) {
            throw f.error(field, e.getMessage().replace("dollars per million tokens", "US dollars"));
        }
    }

    /** A budget period: whole days ({@code 1d}, {@code 30d}) or a duration ({@code 12h}, {@code 90m}). */
    private static Duration period(Fields f, String field) throws ConfigException {
        String s = f.string(field).trim();
        try {
            Duration p = s.matches("\\d+d") ? Duration.ofDays(Long.parseLong(s.substring(0, s.length() - 1)))
                    : Durations.parse(s);
            if (p.toMillis() < 1000) {
                throw new IllegalArgumentException("expected a period of at least 1s, got '" + s + "'");
            }
            return p;
        } catch (IllegalArgumentException e) {
            throw f.error(field, e.getMessage().replace("like 500ms,", "like 1d, 30d,"));
        }
    }

    /**
     * Where a Redis is: {@code host} (default 127.0.0.1), {@code port} (6379), {@code password: {env: VARIABLE}}
     * (never inline), {@code commandTimeout} (100ms), {@code keyPrefix} ("switchboard:"). The one reader of these
     * fields, for a limit store and for {@code ClientAuth}'s keys; {@code alsoAllowed} are the caller's own fields
     * beside them.
     */
    public static RateLimitPolicy.RedisStore redisStore(Fields f, String... alsoAllowed) throws ConfigException {
        List<String> known = new ArrayList<>(List.of("host", "port", "password", "commandTimeout", "keyPrefix"));
        known.addAll(List.of(alsoAllowed));
        f.only(known.toArray(String[]::new));
        String passwordEnv = null;
        if (f.has("password")) {
            if (!f.node().get("password").isObject()) {
                // never echo the value: a password written inline is a secret in the wrong place
                throw f.error("password", "expected {env: VARIABLE} naming where the password is; a password is"
                        + " never written inline");
            }
            Fields p = f.object("password").only("env");
            passwordEnv = p.string("env");
        }
        Duration timeout = f.duration("commandTimeout", Duration.ofMillis(100));
        if (timeout.isZero()) {
            throw f.error("commandTimeout", "expected more than 0 (a short timeout such as 100ms)");
        }
        return new RateLimitPolicy.RedisStore(f.optionalString("host", "127.0.0.1"), f.integer("port", 6379, 1, 65535),
                passwordEnv, timeout, f.optionalString("keyPrefix", "switchboard:"));
    }
}
