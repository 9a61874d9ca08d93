package dev.switchboard.policy.limits;

import dev.switchboard.policy.usage.Price;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The one home of what a limit is charged and of the answers built from a store's {@link LimitOutcome}, so the
 * local and the Redis store charge, clamp, refuse and word their 429s the same way.
 */
public final class Reservations {
    private Reservations() {}

    /**
     * What {@code limit} is charged for a request of so many tokens: 1 request; the tokens its type counts; or the
     * cost in micro-dollars at {@code price}.
     */
    public static long charge(Limit limit, Price price, long inputTokens, long outputTokens, long cachedTokens) {
        return switch (limit.kind()) {
            case REQUESTS -> 1;
            case TOKENS -> limit.counted().count(inputTokens, outputTokens);
            case BUDGET -> price.costMicros(inputTokens, outputTokens, cachedTokens);
        };
    }

    /** Per limit, what a grant of {@code granted} output tokens charged. */
    public static long[] reserved(LimitPlan plan, long granted) {
        long[] c = new long[plan.limits().size()];
        for (int i = 0; i < c.length; i++) {
            c[i] = charge(plan.limits().get(i), plan.price(), plan.promptTokens(), granted, 0);
        }
        return c;
    }

    /** Per limit, the settlement's correction: real usage minus what was reserved. */
    public static long[] deltas(LimitPlan plan, long[] reserved, long input, long output, long cached) {
        long[] d = new long[reserved.length];
        for (int i = 0; i < d.length; i++) {
            d[i] = charge(plan.limits().get(i), plan.price(), input, output, cached) - reserved[i];
        }
        return d;
    }

    /** A charge in the units a store keeps: token-milliseconds for rates (see LimitMath), micro-dollars for budgets. */
    public static long scaled(Limit limit, long units) {
        return Admission.scaled(limit, units);
    }

    public static Reservation.Granted granted(LimitPlan plan, LimitOutcome o, Ticket ticket) {
        Map<String, String> headers = RateLimitHeaders.of(plan.limits(), o);
        boolean clamped = o.granted() < plan.requestedOutput();
        if (clamped) {
            headers.put(RateLimitHeaders.MAX_TOKENS, Long.toString(o.granted()));
        }
        return new Reservation.Granted(ticket, o.granted(), clamped || !plan.clientBound() && plan.boundsOutput(), headers);
    }

    public static Reservation.Refused refused(LimitPlan plan, LimitOutcome o) {
        Map<String, String> headers = new LinkedHashMap<>(RateLimitHeaders.of(plan.limits(), o));
        Limit l = plan.limits().get(o.failing());
        if (o.waitMillis() < 0) {
            String what = l.kind() == Limit.Kind.BUDGET ? "costs more than the budget of " + dollars(l.amount())
                    : "needs more than the limit of " + l.amount() + " " + unit(l) + " per minute";
            return new Reservation.Refused(new Refusal(400, "request_exceeds_limit", "This request (" + plan.promptTokens()
                    + " prompt tokens, at least " + plan.minOutput() + " output tokens) " + what + " of " + l.scope()
                    + "; shorten the prompt, as retrying cannot help.", -1, headers));
        }
        long seconds = Math.max(1, Math.ceilDiv(o.waitMillis(), 1000));
        headers.put(RateLimitHeaders.RETRY_AFTER, Long.toString(seconds));
        if (l.kind() == Limit.Kind.BUDGET) {
            return new Reservation.Refused(new Refusal(429, "insufficient_quota", "The budget of " + l.scope() + " ("
                    + dollars(l.amount()) + " per " + RateLimitHeaders.duration(l.periodMillis()) + ") is spent; it"
                    + " renews in " + RateLimitHeaders.duration(o.waitMillis()) + ".", seconds, headers));
        }
        return new Reservation.Refused(new Refusal(429, "rate_limit_exceeded", "Rate limit reached for " + l.scope()
                + ": " + l.amount() + " " + unit(l) + " per minute. Retry in " + seconds + "s.", seconds, headers));
    }

    /** The refusal for a budget that cannot be checked: the model has no price. */
    static Refusal notPriced(String model) {
        return new Refusal(500, "model_not_priced", "The gateway has no price for model '" + model + "', so it cannot"
                + " check the budget that applies; its operator should add the model to a PriceTable.", -1, Map.of());
    }

    private static String unit(Limit l) {
        return l.kind() == Limit.Kind.REQUESTS ? "requests" : "tokens";
    }

    static String dollars(long micros) {
        return String.format(Locale.ROOT, "$%d.%06d", micros / 1_000_000, micros % 1_000_000).replaceAll("0{1,4}$", "");
    }
}
