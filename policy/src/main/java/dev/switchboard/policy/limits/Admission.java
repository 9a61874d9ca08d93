package dev.switchboard.policy.limits;

import dev.switchboard.policy.usage.Price;
import java.util.List;

/**
 * Decides one reservation against the current state of every limit in a plan: the output granted is the request's
 * bound clamped to what each limit has left; the request is refused when one of them cannot hold even the minimal
 * answer. Pure: the caller holds the limits' locks (or is the Redis script, which mirrors this).
 */
final class Admission {
    private Admission() {}

    /**
     * @param state per limit: a bucket's level drained to {@code now}, or a budget's spent micro-dollars in the
     *              current window; on a grant, the charges are added to it (the caller writes it back)
     */
    static LimitOutcome decide(LimitPlan plan, long[] state, long now) {
        List<Limit> limits = plan.limits();
        long prompt = plan.promptTokens();
        long granted = plan.requestedOutput();
        for (int i = 0; i < limits.size(); i++) {
            granted = Math.min(granted, outputBound(limits.get(i), plan.price(), state[i], prompt));
        }
        int n = limits.size();
        long[] remaining = new long[n];
        long[] reset = new long[n];
        if (granted < plan.minOutput()) {
            int failing = -1;
            long wait = 0;
            for (int i = 0; i < n; i++) {
                Limit l = limits.get(i);
                if (outputBound(l, plan.price(), state[i], prompt) >= plan.minOutput()) {
                    continue;
                }
                long w = waitMillis(l, state[i], Reservations.charge(l, plan.price(), prompt, plan.minOutput(), 0), now);
                if (failing < 0 || w < 0 || (wait >= 0 && w > wait)) {
                    failing = i;
                    wait = w;
                }
            }
            fill(limits, state, now, remaining, reset);
            return new LimitOutcome(-1, failing, wait, remaining, reset);
        }
        for (int i = 0; i < n; i++) {
            state[i] += scaled(limits.get(i), Reservations.charge(limits.get(i), plan.price(), prompt, granted, 0));
        }
        fill(limits, state, now, remaining, reset);
        return new LimitOutcome(granted, -1, 0, remaining, reset);
    }

    /** The most output this limit lets the request have; below 0 when not even the prompt fits. */
    private static long outputBound(Limit l, Price price, long state, long prompt) {
        return switch (l.kind()) {
            case REQUESTS -> LimitMath.available(state, l.amount(), l.periodMillis()) >= 1 ? Long.MAX_VALUE : -1;
            case TOKENS -> {
                long room = LimitMath.available(state, l.amount(), l.periodMillis())
                        - l.counted().inputWeight * prompt;
                yield room < 0 ? -1 : l.counted().outputWeight == 0 ? Long.MAX_VALUE : room;
            }
            case BUDGET -> price.maxOutputWithin(l.amount() - state, prompt);
        };
    }

    /** Milliseconds until the limit can hold {@code units}, -1 for never. */
    static long waitMillis(Limit l, long state, long units, long now) {
        return switch (l.kind()) {
            case REQUESTS, TOKENS -> LimitMath.waitMillis(state, units, l.amount(), l.periodMillis());
            case BUDGET -> units > l.amount() ? -1 : LimitMath.untilWindowEnds(now, l.periodMillis());
        };
    }

    /** A charge in the units the state is kept in: token-milliseconds for buckets, micro-dollars for budgets. */
    static long scaled(Limit l, long units) {
        return l.kind() == Limit.Kind.BUDGET ? units : units * l.periodMillis();
    }

    private static void fill(List<Limit> limits, long[] state, long now, long[] remaining, long[] reset) {
        for (int i = 0; i < limits.size(); i++) {
            Limit l = limits.get(i);
            if (l.kind() == Limit.Kind.BUDGET) {
                remaining[i] = Math.max(0, l.amount() - state[i]);
                reset[i] = LimitMath.untilWindowEnds(now, l.periodMillis());
            } else {
                remaining[i] = LimitMath.available(state[i], l.amount(), l.periodMillis());
                reset[i] = LimitMath.resetMillis(state[i], l.amount());
            }
        }
    }
}
