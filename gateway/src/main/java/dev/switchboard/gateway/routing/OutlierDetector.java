package dev.switchboard.gateway.routing;

import dev.switchboard.core.config.Upstream;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Passive health checking: an upstream that fails {@link #CONSECUTIVE_FAILURES} attempts in a row is ejected (not
 * tried first) for a while that doubles with each ejection, up to {@link #MAX_EJECTION_NANOS}; one success resets it.
 * Shared by every event loop: per-upstream state in a concurrent map, updated with plain volatile writes (a lost
 * update only shifts an ejection by one attempt).
 */
public final class OutlierDetector {
    /** Failures in a row that eject an upstream (Envoy's consecutive_5xx default is 5; LLM calls are fewer and longer). */
    static final int CONSECUTIVE_FAILURES = 3;
    /** First ejection. */
    static final long BASE_EJECTION_NANOS = 5_000_000_000L;
    /** Longest ejection. */
    static final long MAX_EJECTION_NANOS = 60_000_000_000L;

    private final ConcurrentHashMap<Upstream, State> states = new ConcurrentHashMap<>();
    private final LongSupplier clock;

    public OutlierDetector(LongSupplier nanoClock) {
        this.clock = nanoClock;
    }

    private static final class State {
        volatile int failures;
        volatile int ejections;
        volatile long ejectedUntil;
    }

    public boolean ejected(Upstream u) {
        State s = states.get(u);
        return s != null && s.ejectedUntil - clock.getAsLong() > 0;
    }

    public void success(Upstream u) {
        State s = states.get(u);
        if (s != null && (s.failures != 0 || s.ejections != 0)) {
            s.failures = 0;
            s.ejections = 0;
        }
    }

    public void failure(Upstream u) {
        State s = states.computeIfAbsent(u, k -> new State());
        if (++s.failures >= CONSECUTIVE_FAILURES) {
            s.failures = 0;
            long nanos = Math.min(MAX_EJECTION_NANOS, BASE_EJECTION_NANOS << Math.min(4, s.ejections));
            s.ejections++;
            s.ejectedUntil = clock.getAsLong() + nanos;
        }
    }
}
