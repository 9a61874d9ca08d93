package dev.switchboard.policy.limits;

import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Limits kept in this process's memory: the default, and the fallback of a shared store that cannot be reached.
 * Its stages are already complete when returned.
 */
public final class LocalRateLimiter implements RateLimiter {
    /*
     * Concurrency: one Meter (state + lock) per limit key in a ConcurrentHashMap. A reservation locks the meters
     * of its plan in key order (plans are sorted, so two requests never wait on each other in a cycle), decides
     * with every limit's state in hand, and writes the charges back: check and charge are atomic across a
     * request's limits, and requests of different principals and models touch disjoint locks. A model or route
     * limit is one lock its callers share, held for a few hundred nanoseconds of arithmetic.
     *
     * Memory: a meter is dropped once it is back to a fresh meter's state (bucket drained, budget window over or
     * nothing spent), so what stays is the keys with usage inside their period: at most the principals, models
     * and routes active in the last minute plus those with spend in the current budget window. The sweep runs
     * every SWEEP_EVERY reservations, by whichever thread wins a tryLock; it skips (never waits on) a busy meter.
     * A retired meter is marked under its lock, and a request that locked a stale reference looks it up again.
     *
     * Tickets are plain objects the caller holds; none is tracked here, so an unsettled one costs nothing and
     * stays charged as reserved. A settle after the ticket lifetime is ignored for the same reason.
     */

    /** Reservations between two sweeps for idle keys: rare enough to cost nothing per request. */
    static final int SWEEP_EVERY = 4096;

    private final LimitResolver resolver;
    private final InstantSource clock;
    private final ChargeListener listener;
    private final ConcurrentHashMap<String, Meter> meters;
    private final AtomicLong operations = new AtomicLong();
    private final ReentrantLock sweeping = new ReentrantLock();

    public LocalRateLimiter(LimitResolver resolver, InstantSource clock, ChargeListener listener) {
        this(resolver, clock, listener, new ConcurrentHashMap<>());
    }

    private LocalRateLimiter(LimitResolver resolver, InstantSource clock, ChargeListener listener,
            ConcurrentHashMap<String, Meter> meters) {
        this.resolver = resolver;
        this.clock = clock;
        this.listener = listener;
        this.meters = meters;
    }

    /**
     * A limiter for a reloaded configuration that keeps this one's counts: a key both resolve to keeps what it
     * spent (a reload must not hand out a fresh budget), with the new limit's amount and period from its next use.
     * Tickets of either settle into the same state.
     */
    public LocalRateLimiter reconfigured(LimitResolver newResolver) {
        return new LocalRateLimiter(newResolver, clock, listener, meters);
    }

    public LocalRateLimiter(LimitResolver resolver, InstantSource clock) {
        this(resolver, clock, ChargeListener.NONE);
    }

    @Override
    public CompletionStage<Reservation> reserve(ReservationRequest request) {
        return CompletableFuture.completedFuture(reserveNow(request));
    }

    /** {@link #reserve}, without the stage. */
    public Reservation reserveNow(ReservationRequest request) {
        LimitPlan plan = resolver.plan(request);
        if (plan.refusal() != null) {
            return new Reservation.Refused(plan.refusal());
        }
        if (operations.incrementAndGet() % SWEEP_EVERY == 0) {
            evictIdle();
        }
        List<Limit> limits = plan.limits();
        long now = clock.millis();
        Meter[] held = lockAll(limits);
        try {
            long[] state = new long[limits.size()];
            for (int i = 0; i < state.length; i++) {
                state[i] = held[i].current(limits.get(i), now);
            }
            LimitOutcome o = Admission.decide(plan, state, now);
            if (o.granted() < 0) {
                return Reservations.refused(plan, o);
            }
            long[] reserved = Reservations.reserved(plan, o.granted());
            for (int i = 0; i < state.length; i++) {
                held[i].value = state[i];
                listener.charged(limits.get(i), held[i].at, reserved[i]);
            }
            return Reservations.granted(plan, o,
                    new LocalTicket(plan, o.granted(), reserved, now, now + resolver.policy().ticketLifetime().toMillis()));
        } finally {
            unlockAll(held);
        }
    }

    /** Keys held in memory now. */
    public int keys() {
        return meters.size();
    }

    /** Drops every key whose state is back to fresh (also run every {@link #SWEEP_EVERY} reservations). */
    public void evictIdle() {
        if (!sweeping.tryLock()) {
            return;
        }
        try {
            long now = clock.millis();
            for (Meter m : meters.values()) {
                if (m.lock.tryLock()) {
                    try {
                        if (m.idle(now)) {
                            m.retired = true;
                            meters.remove(m.limit.key(), m);
                        }
                    } finally {
                        m.lock.unlock();
                    }
                }
            }
        } finally {
            sweeping.unlock();
        }
    }

    private Meter[] lockAll(List<Limit> limits) {
        Meter[] held = new Meter[limits.size()];
        for (int i = 0; i < held.length; i++) {
            Limit l = limits.get(i);
            while (true) {
                Meter m = meters.computeIfAbsent(l.key(), k -> new Meter(l));
                m.lock.lock();
                if (!m.retired) {
                    held[i] = m;
                    break;
                }
                m.lock.unlock();
            }
        }
        return held;
    }

    private static void unlockAll(Meter[] held) {
        for (Meter m : held) {
            if (m != null) {
                m.lock.unlock();
            }
        }
    }

    /** Applies a settlement's corrections (its ticket checked its lifetime). */
    private void settle(LimitPlan plan, long reservedAt, long[] deltas) {
        long now = clock.millis();
        List<Limit> limits = plan.limits();
        Meter[] held = lockAll(limits);
        try {
            for (int i = 0; i < deltas.length; i++) {
                Limit l = limits.get(i);
                long state = held[i].current(l, now);
                if (l.kind() == Limit.Kind.BUDGET && held[i].at != LimitMath.window(reservedAt, l.periodMillis())) {
                    continue;   // the window it was charged to is over
                }
                held[i].value = Math.max(0, state + Admission.scaled(l, deltas[i]));
                listener.charged(l, l.kind() == Limit.Kind.BUDGET ? held[i].at : now, deltas[i]);
            }
        } finally {
            unlockAll(held);
        }
    }

    private final class LocalTicket extends GrantedTicket {
        private final long reservedAt;

        LocalTicket(LimitPlan plan, long granted, long[] reserved, long reservedAt, long deadline) {
            super(plan, granted, reserved, deadline, clock);
            this.reservedAt = reservedAt;
        }

        @Override
        protected CompletionStage<Void> apply(long[] deltas) {
            LocalRateLimiter.this.settle(plan, reservedAt, deltas);
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public long reservedMicros() {
            long micros = 0;
            for (int i = 0; i < reserved.length; i++) {
                if (plan.limits().get(i).kind() == Limit.Kind.BUDGET) {
                    micros = Math.max(micros, reserved[i]);
                }
            }
            return micros;
        }
    }
}
