package dev.switchboard.policy.limits;

/**
 * What a store decided for a {@link LimitPlan}, per limit in the plan's order; both stores fill it (the local one in
 * Java, the Redis one from its script's reply) and {@link Reservations} turns it into the answer.
 *
 * @param granted     output tokens granted, or -1 when refused
 * @param failing     index of the limit that refused (the one that frees last), or -1
 * @param waitMillis  when refused: milliseconds until the failing limit has room, -1 when it never will
 * @param remaining   per limit: units left (after the charge when granted)
 * @param resetMillis per limit: milliseconds until back to its initial state (bucket empty / window over)
 */
public record LimitOutcome(long granted, int failing, long waitMillis, long[] remaining, long[] resetMillis) {}
