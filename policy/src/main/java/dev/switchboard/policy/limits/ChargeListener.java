package dev.switchboard.policy.limits;

/**
 * Told of every charge a {@link LocalRateLimiter} makes (reservations, and settlements' corrections, which may be
 * negative), so a shared store that was unreachable can be told later what was spent meanwhile.
 */
@FunctionalInterface
public interface ChargeListener {
    /**
     * @param limit  the limit charged
     * @param window for a budget, the fixed window charged; for a rate, the millisecond of the charge
     * @param units  requests, tokens or micro-dollars (negative for a refund)
     */
    void charged(Limit limit, long window, long units);

    ChargeListener NONE = (l, w, u) -> {};
}
