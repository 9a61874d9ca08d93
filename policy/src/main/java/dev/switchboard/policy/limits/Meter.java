package dev.switchboard.policy.limits;

import java.util.concurrent.locks.ReentrantLock;

/**
 * The state of one limit key in memory: a bucket's level and when it was brought forward, or a budget's window and
 * what it spent. Guarded by its own lock; {@code retired} once evicted, so a holder of a stale reference looks again.
 */
final class Meter {
    final ReentrantLock lock = new ReentrantLock();
    /** Bucket: level in token-milliseconds. Budget: spent micro-dollars. */
    long value;
    /** Bucket: the millisecond {@code value} is at. Budget: the window {@code value} belongs to. */
    long at;
    /** The limit last used with this key (config reloads may change its amount or period). */
    Limit limit;
    boolean retired;

    Meter(Limit limit) {
        this.limit = limit;
    }

    /** Brings the state forward to {@code now} and returns it. Hold the lock. */
    long current(Limit l, long now) {
        limit = l;
        if (l.kind() == Limit.Kind.BUDGET) {
            long w = LimitMath.window(now, l.periodMillis());
            if (w != at) {
                at = w;
                value = 0;
            }
        } else {
            value = LimitMath.drained(value, at, now, l.amount());
            at = Math.max(at, now);
        }
        return value;
    }

    /** Whether the state is back to a fresh one's, so forgetting it changes nothing. Hold the lock. */
    boolean idle(long now) {
        return current(limit, now) == 0;
    }
}
