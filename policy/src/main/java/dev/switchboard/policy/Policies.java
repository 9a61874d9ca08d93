package dev.switchboard.policy;

import dev.switchboard.core.config.ConfigException;
import dev.switchboard.core.config.PolicyDocument;
import dev.switchboard.policy.auth.AuthConfig;
import dev.switchboard.policy.auth.AuthConfigReader;
import dev.switchboard.policy.auth.Authenticator;
import dev.switchboard.policy.auth.ClientAuth;
import dev.switchboard.policy.guardrails.GuardrailChain;
import dev.switchboard.policy.guardrails.GuardrailConfig;
import dev.switchboard.policy.guardrails.GuardrailConfigReader;
import dev.switchboard.policy.limits.LimitResolver;
import dev.switchboard.policy.limits.LocalRateLimiter;
import dev.switchboard.policy.limits.RateLimitPolicy;
import dev.switchboard.policy.limits.RateLimitPolicyReader;
import dev.switchboard.policy.limits.RateLimiter;
import dev.switchboard.policy.usage.PriceTable;
import dev.switchboard.policy.usage.PriceTableReader;
import dev.switchboard.policy.usage.PromptCalibration;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * The governance of one configuration, built from its policy documents: client authentication ({@code ClientAuth}),
 * the limiter ({@code RateLimitPolicy}, {@code PriceTable}, and the quotas of keys and tokens) and each route's
 * guardrail chain ({@code Guardrail}). Immutable once started; a reload starts a new one from the previous, so the
 * counts in memory carry over.
 */
public final class Policies implements AutoCloseable {
    /** No governance: every request runs as {@link Principal#ANONYMOUS}, nothing is limited or checked. */
    public static final Policies NONE = new Policies(null, null, null, Map.of(), null, false, new PromptCalibration());

    /** Opens the shared store a {@code RateLimitPolicy} names (the {@code redis} module's limiter). */
    @FunctionalInterface
    public interface SharedStore {
        /** Connects (blocking, at load); a store that cannot be reached starts on local limits. */
        RateLimiter open(LimitResolver resolver, RateLimitPolicy.RedisStore store, Function<String, String> env,
                Clock clock);

        /** For builds without the shared store: a configuration that names one is refused. */
        SharedStore NONE = (resolver, store, env, clock) -> {
            throw new IllegalStateException("this build has no shared rate-limit store");
        };
    }

    private final ClientAuth auth;
    private final RateLimiter limiter;
    /** The in-memory limiter whose counts a reload keeps (the limiter itself, or null with a shared store). */
    private final LocalRateLimiter local;
    private final Map<String, GuardrailChain> guardrails;
    private final HttpClient callouts;
    /** Whether a RateLimitPolicy applies limits beyond the principals' own quotas. */
    private final boolean policyLimits;
    /** How each model's servers count prompts, learned from their answers; kept across reloads. */
    private final PromptCalibration calibration;

    private Policies(ClientAuth auth, RateLimiter limiter, LocalRateLimiter local,
            Map<String, GuardrailChain> guardrails, HttpClient callouts, boolean policyLimits,
            PromptCalibration calibration) {
        this.auth = auth;
        this.calibration = calibration;
        this.policyLimits = policyLimits;
        this.limiter = limiter;
        this.local = local;
        this.guardrails = Map.copyOf(guardrails);
        this.callouts = callouts;
    }

    /** What the documents ask for, read and checked; nothing started. */
    private record Read(AuthConfig auth, RateLimitPolicy limits, PriceTable prices, List<GuardrailConfig> guardrails) {
        boolean limited() {
            return limits != null || auth != null;
        }
    }

    /**
     * Reads every document without starting anything (for {@code validate}).
     *
     * @param routes the configuration's AIGatewayRoute names (what a Guardrail's targetRefs name)
     * @throws ConfigException naming the first document that is invalid, and what to do
     */
    public static void check(List<PolicyDocument> documents, Set<String> routes) throws ConfigException {
        read(documents, routes);
    }

    /**
     * Reads and starts them: key files read and watched, JWKS fetched (off the caller's thread), the shared store
     * connected. {@code previous} is the configuration's predecessor (or {@link #NONE}): its counts in memory are
     * kept.
     */
    public static Policies start(List<PolicyDocument> documents, Set<String> routes, Function<String, String> env,
            Clock clock, SharedStore shared, Policies previous) throws ConfigException {
        return start(documents, routes, env, clock, shared, ClientAuth.RedisKeySource.NONE, previous);
    }

    /**
     * As {@link #start(List, Set, Function, Clock, SharedStore, Policies)}, with {@code keys} to open the Redis that
     * a {@code ClientAuth}'s {@code virtualKeys.redis} names.
     */
    public static Policies start(List<PolicyDocument> documents, Set<String> routes, Function<String, String> env,
            Clock clock, SharedStore shared, ClientAuth.RedisKeySource keys, Policies previous)
            throws ConfigException {
        Read r = read(documents, routes);
        ClientAuth auth = r.auth() == null ? null : ClientAuth.start(r.auth(), env, clock, keys);
        RateLimiter limiter = null;
        LocalRateLimiter local = null;
        try {
            if (r.limited()) {
                RateLimitPolicy policy = r.limits() != null ? r.limits() : RateLimitPolicy.DEFAULT;
                LimitResolver resolver = new LimitResolver(policy, r.prices() != null ? r.prices() : PriceTable.EMPTY);
                if (policy.redis() != null) {
                    limiter = shared.open(resolver, policy.redis(), env, clock);
                } else {
                    local = previous.local != null ? previous.local.reconfigured(resolver)
                            : new LocalRateLimiter(resolver, clock);
                    limiter = local;
                }
            }
        } catch (RuntimeException e) {
            if (auth != null) {
                auth.close();
            }
            throw new ConfigException("the rate-limit store could not be started: " + e.getMessage());
        }
        HttpClient client = null;
        Map<String, GuardrailChain> chains = new HashMap<>();
        for (GuardrailConfig g : r.guardrails()) {
            if (client == null) {
                client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
            }
            for (String route : g.routes()) {
                chains.put(route, g.toChain(route, client, env));
            }
        }
        return new Policies(auth, limiter, local, chains, client, r.limits() != null,
                previous == NONE ? new PromptCalibration() : previous.calibration);
    }

    private static Read read(List<PolicyDocument> documents, Set<String> routes) throws ConfigException {
        AuthConfig auth = null;
        RateLimitPolicy limits = null;
        PriceTable prices = null;
        Map<String, String> guarded = new LinkedHashMap<>(); // route -> the Guardrail document that targets it
        List<GuardrailConfig> guardrails = new java.util.ArrayList<>();
        for (PolicyDocument d : documents) {
            switch (d.kind()) {
                case "ClientAuth" -> {
                    once(auth, d, "one document may hold both virtualKeys and jwt");
                    auth = AuthConfigReader.read(d.name(), d.spec(), d.baseDir());
                }
                case "RateLimitPolicy" -> {
                    once(limits, d, "put every model's and route's limits in one document");
                    limits = RateLimitPolicyReader.read(d.spec());
                }
                case "PriceTable" -> {
                    once(prices, d, "put every model's prices in one document");
                    prices = PriceTableReader.read(d.spec());
                }
                case GuardrailConfigReader.KIND -> {
                    GuardrailConfig g = GuardrailConfigReader.read(d.name(), d.spec());
                    for (String route : g.routes()) {
                        if (!routes.contains(route)) {
                            throw d.spec().error("targetRefs", "names AIGatewayRoute '" + route + "', which this"
                                    + " configuration does not have (it has: " + String.join(", ", routes.stream()
                                    .sorted().toList()) + ")");
                        }
                        String other = guarded.putIfAbsent(route, d.name());
                        if (other != null) {
                            throw d.spec().error("targetRefs", "AIGatewayRoute '" + route + "' already has the"
                                    + " guardrails of Guardrail '" + other + "'; a route runs one chain: list all its"
                                    + " steps in one document");
                        }
                    }
                    guardrails.add(g);
                }
                default -> throw d.spec().error("unsupported governance kind '" + d.kind() + "'");
            }
        }
        return new Read(auth, limits, prices, guardrails);
    }

    private static void once(Object seen, PolicyDocument d, String advice) throws ConfigException {
        if (seen != null) {
            throw d.spec().error("a second " + d.kind() + " document ('" + d.name() + "'); " + advice);
        }
    }

    /** Whether clients must authenticate. */
    public boolean authenticates() {
        return auth != null;
    }

    /** The authenticator, or null when clients need not authenticate. */
    public Authenticator authenticator() {
        return auth;
    }

    /**
     * The limiter every generating request reserves against, or null when nothing is limited (no
     * {@code RateLimitPolicy} and no client authentication whose keys and tokens carry quotas).
     */
    public RateLimiter limiter() {
        return limiter;
    }

    /**
     * The limiter for {@code principal}'s requests, or null when no limit can apply to them: no limiter, or only
     * the quotas of keys and tokens (no {@code RateLimitPolicy}) and this principal has none, so its requests need
     * no reservation at all.
     */
    public RateLimiter limiterFor(Principal principal) {
        return limiter == null || !policyLimits && principal.quota().equals(Quota.NONE) ? null : limiter;
    }

    /** How many tokens each model's servers read for a prompt, as learned from their answers so far. */
    public PromptCalibration calibration() {
        return calibration;
    }

    /** The guardrail chain of the AIGatewayRoute named {@code route}, or null when it has none. */
    public GuardrailChain guardrails(String route) {
        return route == null ? null : guardrails.get(route);
    }

    /**
     * Stops key-file watches, JWKS fetches and the shared store's connection; requests already authenticated are
     * not affected (their settlements may then be kept locally only).
     */
    @Override
    public void close() {
        if (auth != null) {
            auth.close();
        }
        if (limiter != null && limiter != local) {
            limiter.close();
        }
        if (callouts != null) {
            callouts.close();
        }
    }
}
