package dev.switchboard.gateway.routing;

import dev.switchboard.core.config.Upstream;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Passive health checking: an upstream that fails {@link #CONSECUTIVE_FAILURES} attempts in a row is ejected (not
 * tried first) for a while that doubles with each ejection, up to {@link #MAX_EJECTION_NANOS}; one success resets it.
 * Shared by every event loop: per-upstream state in a concurrent map, updated with plain volatile writes (a lost
 * update only shifts an ejection by one attempt).
 */
public final class OutlierDetector {
    /*
     * Only upstreams with something to remember have state: a success removes it, and a failure sweeps, at most
     * once per FORGET_AFTER_NANOS, the states whose last failure is that old and whose ejection is over (an
     * ejection never outlasts it, so an ejected upstream is never forgotten). So the map holds the upstreams that
     * failed within about two FORGET_AFTER_NANOS, not every upstream that ever failed (many of which left the
     * configuration). A success on an upstream without state is one lock-free map read, as before. A failure that
     * races with its state's removal may be lost, which shifts an ejection by one attempt, as above.
     */

    /** Failures in a row that eject an upstream (Envoy's consecutive_5xx default is 5; LLM calls are fewer and longer). */
    static final int CONSECUTIVE_FAILURES = 3;
    /** First ejection. */
    static final long BASE_EJECTION_NANOS = 5_000_000_000L;
    /** Longest ejection. */
    static final long MAX_EJECTION_NANOS = 60_000_000_000L;
    /** An upstream with no failure for this long, and not ejected, is forgotten: its count and doubling restart. */
    static final long FORGET_AFTER_NANOS = MAX_EJECTION_NANOS;

    private final ConcurrentHashMap<Upstream, State> states = new ConcurrentHashMap<>();
    private final LongSupplier clock;
    private final AtomicLong lastSweep;

    public OutlierDetector(LongSupplier nanoClock) {
        this.clock = nanoClock;
        this.lastSweep = new AtomicLong(nanoClock.getAsLong());
    }

    private static final class State {
        volatile int failures;
        volatile int ejections;
        volatile long ejectedUntil;
        volatile long lastFailure;

        boolean forgettable(long now) {
            return now - lastFailure >= FORGET_AFTER_NANOS && ejectedUntil - now <= 0;
        }
    }

    public boolean ejected(Upstream u) {
        State s = states.get(u);
        return s != null && s.ejectedUntil - clock.getAsLong() > 0;
    }

    public void success(Upstream u) {
        State s = states.get(u);
        if (s != null) {
            states.remove(u, s);
        }
    }

    public void failure(Upstream u) {
        long now = clock.getAsLong();
        sweep(now);
        State s = states.computeIfAbsent(u, k -> new State());
        s.lastFailure = now;
        if (++s.failures >= CONSECUTIVE_FAILURES) {
            s.failures = 0;
            long nanos = Math.min(MAX_EJECTION_NANOS, BASE_EJECTION_NANOS << Math.min(4, s.ejections));
            s.ejections++;
            s.ejectedUntil = now + nanos;
        }
    }

    /** Forgets the upstreams that stopped failing long ago; one caller at a time, at most once per interval. */
    private void sweep(long now) {
        long last = lastSweep.get();
        if (now - last >= FORGET_AFTER_NANOS && lastSweep.compareAndSet(last, now)) {
            states.values().removeIf(s -> s.forgettable(now));
        }
    }

    /** Upstreams with state now; for tests. */
    int tracked() {
        return states.size();
    }
}
