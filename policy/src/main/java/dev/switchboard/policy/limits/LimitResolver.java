package dev.switchboard.policy.limits;

import dev.switchboard.policy.Quota;
import dev.switchboard.policy.usage.Price;
import dev.switchboard.policy.usage.PriceTable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Which limits apply to a request, the one place that decides it: its principal's quota (fields it leaves unset
 * filled from the policy's {@code principalDefaults}), the limits of its model (an exact entry, else the longest
 * prefix entry; every model under one prefix shares that entry's state) and of its route. Immutable; built once per
 * config.
 */
public final class LimitResolver {
    /** Rates are per minute. */
    static final long MINUTE_MILLIS = 60_000;

    private final RateLimitPolicy policy;
    private final PriceTable prices;

    public LimitResolver(RateLimitPolicy policy, PriceTable prices) {
        this.policy = policy;
        this.prices = prices;
    }

    public RateLimitPolicy policy() {
        return policy;
    }

    public LimitPlan plan(ReservationRequest r) {
        List<Limit> limits = new ArrayList<>();
        Quota own = r.principal().quota();
        Quota d = policy.principalDefaults();
        Quota q = new Quota(own.requestsPerMinute() >= 0 ? own.requestsPerMinute() : d.requestsPerMinute(),
                own.tokensPerMinute() >= 0 ? own.tokensPerMinute() : d.tokensPerMinute(),
                own.budget() != null ? own.budget() : d.budget());
        String principal = r.principal().id();
        add(limits, "p/" + principal, "principal '" + principal + "'", q, TokenType.TOTAL);
        RateLimitPolicy.ScopeLimits model = modelLimits(r.model());
        if (model != null) {
            String name = model.prefix() ? model.name() + "*" : model.name();
            add(limits, "m/" + name, "model '" + name + "'", model.quota(), model.tokenType());
        }
        if (r.route() != null) {
            for (RateLimitPolicy.ScopeLimits route : policy.routes()) {
                if (route.name().equals(r.route())) {
                    add(limits, "r/" + route.name(), "route '" + route.name() + "'", route.quota(), route.tokenType());
                }
            }
        }
        limits.sort(Comparator.comparing(Limit::key));
        Price price = prices.priceOf(r.model()).orElse(null);
        boolean clientBound = r.maxOutputTokens() >= 0;
        long requested = clientBound ? r.maxOutputTokens() : policy.defaultMaxOutputTokens();
        Refusal refusal = price == null && limits.stream().anyMatch(l -> l.kind() == Limit.Kind.BUDGET)
                ? Reservations.notPriced(r.model()) : null;
        return new LimitPlan(limits, price, r.promptTokens(), requested, Math.min(policy.minOutputTokens(), requested),
                clientBound, refusal);
    }

    private RateLimitPolicy.ScopeLimits modelLimits(String model) {
        RateLimitPolicy.ScopeLimits best = null;
        for (RateLimitPolicy.ScopeLimits m : policy.models()) {
            if (!m.prefix() && m.name().equals(model)) {
                return m;
            }
            if (m.prefix() && model.startsWith(m.name())
                    && (best == null || m.name().length() > best.name().length())) {
                best = m;
            }
        }
        return best;
    }

    private static void add(List<Limit> out, String key, String scope, Quota q, TokenType tokens) {
        if (q.requestsPerMinute() >= 0) {
            out.add(new Limit(key + "/requests", scope, Limit.Kind.REQUESTS, q.requestsPerMinute(), MINUTE_MILLIS,
                    TokenType.TOTAL));
        }
        if (q.tokensPerMinute() >= 0) {
            out.add(new Limit(key + "/tokens", scope, Limit.Kind.TOKENS, q.tokensPerMinute(), MINUTE_MILLIS, tokens));
        }
        if (q.budget() != null) {
            out.add(new Limit(key + "/budget", scope, Limit.Kind.BUDGET, q.budget().microDollars(),
                    q.budget().period().toMillis(), TokenType.TOTAL));
        }
    }
}
