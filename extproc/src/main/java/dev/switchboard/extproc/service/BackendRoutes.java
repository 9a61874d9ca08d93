package dev.switchboard.extproc.service;

import dev.switchboard.core.config.Backend;
import dev.switchboard.core.config.BackendRef;
import dev.switchboard.core.config.ConfigException;
import dev.switchboard.core.config.GatewayConfig;
import dev.switchboard.core.config.RouteRule;
import dev.switchboard.core.error.ApiError;
import dev.switchboard.core.http.HeaderNames;
import dev.switchboard.policy.Policies;
import dev.switchboard.providers.credentials.BackendCredentials;
import dev.switchboard.redis.RedisRateLimiter;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Function;
import java.util.random.RandomGenerator;

/**
 * The configuration's AIGatewayRoute rules and AIServiceBackends as the Envoy processor sees them: which backend a
 * request is translated for, that backend's credentials, and its governance: how clients authenticate (its
 * {@code ClientAuth} document, if any), their limits and budgets, and the routes' guardrails. Immutable; a reload builds a new one (and closes the old one's credentials and key watches).
 */
public final class BackendRoutes implements AutoCloseable {
    /*
     * Which backend, first that applies:
     *  1. the request header x-switchboard-backend, set by Envoy per upstream attempt (a header_mutation filter
     *     among the cluster's upstream HTTP filters, before this processor's ext_proc filter): Envoy AI Gateway's
     *     upstream-filter pattern, so a retry that lands on another backend's cluster is translated afresh. Its
     *     BackendRef (model override, credential pass-through) is the matching rule's ref to that backend, or the
     *     backend's defaults when no rule lists it;
     *  2. the first rule whose matches hold (the model as x-ai-eg-model), when its first priority group is
     *     AIServiceBackends: one of them, by weight. The stream then sets x-switchboard-backend and clears the
     *     route cache, so Envoy's routes choose that backend's cluster by the header;
     *  3. otherwise none: an InferencePool's rule, or no rule, is not translated (body-based routing).
     */
    public static final BackendRoutes NONE = new BackendRoutes(List.of(), Map.of(), BackendCredentials.NONE,
            Policies.NONE);

    /**
     * The rule of a request no rule matches (a pool's, or body-based routing's): no route, so no route's guardrails
     * and no route-scoped limit, but the principal's own quota and the configuration-wide limits still apply.
     */
    static final RouteRule NO_RULE = new RouteRule(null, null, List.of(), List.of(), RouteRule.DEFAULT_REQUEST_TIMEOUT,
            RouteRule.DEFAULT_STREAM_IDLE_TIMEOUT, null);

    private final List<RouteRule> rules;
    private final Map<String, Backend> backends;
    private final BackendCredentials credentials;
    private final Policies policies;

    private BackendRoutes(List<RouteRule> rules, Map<String, Backend> backends, BackendCredentials credentials,
            Policies policies) {
        this.rules = rules;
        this.backends = backends;
        this.credentials = credentials;
        this.policies = policies;
    }

    /**
     * The routes of {@code config}, their backends' credentials started (key files read, first tokens fetched on
     * {@code tokens}, which may block: not an event loop), and its governance started (key file read and watched,
     * JWKS fetched, a RateLimitPolicy's Redis store connected), as the gateway's runtime configuration does.
     *
     * @param previous the routes being replaced ({@link #NONE} at start): their limiter's in-memory counts carry over
     * @throws ConfigException a governance document that is invalid; nothing is left running then
     */
    public static BackendRoutes of(GatewayConfig config, ScheduledExecutorService tokens, BackendRoutes previous)
            throws ConfigException {
        Map<String, Backend> byName = new HashMap<>();
        for (Backend b : config.backends()) {
            byName.put(b.name(), b);
        }
        Policies policies = Policies.start(config.policies(), config.routeNames(), System::getenv, Clock.systemUTC(),
                RedisRateLimiter::create, previous.policies);
        try {
            return new BackendRoutes(config.rules(), Map.copyOf(byName),
                    BackendCredentials.start(config.backends(), Clock.systemUTC(), tokens), policies);
        } catch (ConfigException | RuntimeException e) {
            policies.close();
            throw e;
        }
    }

    /**
     * The ref a request is translated for, or null when it is not translated.
     *
     * @param named  the request's x-switchboard-backend, or null
     * @param header the request's headers by lower-case name, x-ai-eg-model answering the model
     * @throws RequestRejected 503 when {@code named} is no AIServiceBackend of the configuration
     */
    BackendRef choose(String named, Function<String, String> header, RandomGenerator random) throws RequestRejected {
        RouteRule rule = rule(header);
        if (named != null && !named.isBlank()) {
            return named(named.strip(), rule);
        }
        if (rule == null || rule.backendRefs().isEmpty()) {
            return null;
        }
        int first = Integer.MAX_VALUE;
        for (BackendRef r : rule.backendRefs()) {
            first = Math.min(first, r.priority());
        }
        long total = 0;
        for (BackendRef r : rule.backendRefs()) {
            if (r.priority() == first) {
                if (r.pool() != null) {
                    return null; // an InferencePool's rule: the endpoint picker's, not the translator's
                }
                total += Math.max(0, r.weight());
            }
        }
        long at = total > 0 ? random.nextLong(total) : 0;
        BackendRef chosen = null;
        for (BackendRef r : rule.backendRefs()) {
            if (r.priority() == first) {
                chosen = chosen == null ? r : chosen; // all weights 0: the first
                at -= Math.max(0, r.weight());
                if (at < 0) {
                    return r;
                }
            }
        }
        return chosen;
    }

    private BackendRef named(String name, RouteRule rule) throws RequestRejected {
        if (rule != null) {
            for (BackendRef r : rule.backendRefs()) {
                if (r.backend().name().equals(name)) {
                    return r.pool() != null ? null : r;
                }
            }
        }
        Backend b = backends.get(name);
        if (b == null) {
            throw new RequestRejected(ApiError.serverError(503, "No AIServiceBackend '" + name + "' (named by "
                    + HeaderNames.BACKEND + ") in this processor's configuration; it has "
                    + (backends.isEmpty() ? "none" : String.join(", ", backends.keySet().stream().sorted().toList()))
                    + "."));
        }
        return new BackendRef(b, 1, 0, null, b.headerMutation());
    }

    /**
     * The name of the first rule whose matches hold, whatever its backends (an InferencePool's too), or null when
     * none does: what a principal's route list is checked against.
     */
    String ruleName(Function<String, String> header) {
        RouteRule r = rule(header);
        return r == null ? null : r.name();
    }

    /** The first rule whose matches hold, or {@link #NO_RULE}. */
    RouteRule governed(Function<String, String> header) {
        RouteRule r = rule(header);
        return r == null ? NO_RULE : r;
    }

    private RouteRule rule(Function<String, String> header) {
        for (RouteRule r : rules) {
            if (r.matches(header)) {
                return r;
            }
        }
        return null;
    }

    BackendCredentials credentials() {
        return credentials;
    }

    /** Client authentication, limits and guardrails ({@link Policies#NONE} without governance documents). */
    Policies policies() {
        return policies;
    }

    /**
     * Stops the credentials' refreshes and the key file's watch; streams still holding one keep its current key or
     * token, and streams already authenticated their principal.
     */
    @Override
    public void close() {
        credentials.close();
        policies.close();
    }
}
