package dev.switchboard.policy;

import java.time.Duration;

/**
 * A principal's limits; -1 (or null) where there is none.
 *
 * @param requestsPerMinute requests it may start per minute
 * @param tokensPerMinute   tokens (input and output) it may use per minute
 * @param budget            money it may spend per period, or null
 */
public record Quota(long requestsPerMinute, long tokensPerMinute, Budget budget) {
    public static final Quota NONE = new Quota(-1, -1, null);

    /**
     * Money per period.
     *
     * @param microDollars the amount, in millionths of a US dollar (exact sums; a token costs fractions of a cent)
     * @param period       how often it resets (fixed windows from the epoch: day, week, 30 days…)
     */
    public record Budget(long microDollars, Duration period) {}
}
