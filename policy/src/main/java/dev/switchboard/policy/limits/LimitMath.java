package dev.switchboard.policy.limits;

/**
 * The arithmetic of one limit's state, in integers (milliseconds, tokens, micro-dollars), so that tests with an
 * injected clock are exact and the Redis scripts ({@code redis/src/main/resources/.../reserve.lua}) can mirror it
 * line by line.
 */
final class LimitMath {
    /*
     * Rates (requests or tokens per period P, amount L) are token buckets, the GCRA in another spelling. The state
     * is a level in token-milliseconds and the time it was last brought forward: a request of n tokens adds n*P, and
     * the level drains by L per millisecond. A request fits while level + n*P <= L*P (capacity: one period's worth).
     * In integers there is no rounding at all: a charge of n is n*P exactly, the drain is (now-last)*L exactly.
     *
     * Error bound, against "at most L per sliding period": a bucket admits at most L + L*t/P in any interval of
     * length t, so a full burst right after an idle period followed by the steady refill can put up to 2L into one
     * sliding minute (never more), and over any long interval the average is at most L per period. That is the
     * token-bucket trade (no state per request, one pair of longs per key) against a sliding log's exactness.
     *
     * Refunds (settle below the reservation) subtract from the level, floored at zero: the bucket is linear, so a
     * refund leaves the level exactly where charging the real usage would have left it, unless the bucket had
     * drained to empty meanwhile (then there is nothing to give back, as it should be).
     *
     * Budgets are fixed windows from the epoch (window = now / P): spent micro-dollars reset when the window
     * changes. A settle for an earlier window is dropped: that window is over.
     */

    private LimitMath() {}

    /** The level at {@code now}, drained since {@code last} at {@code amount} per millisecond. */
    static long drained(long level, long last, long now, long amount) {
        long elapsed = Math.max(0, now - last);
        if (elapsed > 0 && amount > 0 && elapsed >= Math.ceilDiv(level, amount)) {
            return 0;
        }
        return level - elapsed * amount;
    }

    /** Units (requests or tokens) that fit now. */
    static long available(long level, long amount, long period) {
        return Math.max(0, (amount * period - level) / period);
    }

    /** Milliseconds until {@code need} units fit, 0 if they do, -1 if they never can (more than the capacity). */
    static long waitMillis(long level, long need, long amount, long period) {
        if (need > amount) {
            return -1;
        }
        long excess = level + need * period - amount * period;
        return excess <= 0 ? 0 : Math.ceilDiv(excess, amount);
    }

    /** Milliseconds until the bucket is empty again (OpenAI's "reset": back to its initial state). */
    static long resetMillis(long level, long amount) {
        return amount == 0 ? 0 : Math.ceilDiv(Math.max(level, 0), amount);
    }

    /** The fixed budget window {@code now} falls in. */
    static long window(long now, long period) {
        return Math.floorDiv(now, period);
    }

    /** Milliseconds until the budget window that holds {@code now} ends. */
    static long untilWindowEnds(long now, long period) {
        return (window(now, period) + 1) * period - now;
    }
}
