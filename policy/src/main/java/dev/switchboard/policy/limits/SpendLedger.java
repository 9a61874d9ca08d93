package dev.switchboard.policy.limits;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What was spent locally that a shared store has not seen: the {@link ChargeListener} of a fallback
 * {@link LocalRateLimiter}, drained into the store when it is reachable again.
 *
 * <p>For a rate it keeps a bucket level, drained as the shared bucket would drain it, so that what is handed over is
 * the usage still inside its period (a ten-minute outage does not push ten minutes of tokens into a one-minute
 * bucket). For a budget it keeps the micro-dollars per fixed window; a window that ended before the hand-over is
 * dropped by the store. Thread-safe: one small lock per entry.
 */
public final class SpendLedger implements ChargeListener {
    private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();

    /**
     * One key's local spend.
     *
     * @param limit  the limit
     * @param window the budget window spent in (unused for rates)
     * @param scaled for a rate, the bucket level in token-milliseconds at {@code at}; for a budget, micro-dollars
     * @param at     for a rate, the millisecond {@code scaled} is at
     */
    public record Spend(Limit limit, long window, long scaled, long at) {}

    private static final class Entry {
        final Limit limit;
        final long window;
        long scaled;
        long at;

        Entry(Limit limit, long window) {
            this.limit = limit;
            this.window = window;
        }
    }

    @Override
    public void charged(Limit limit, long window, long units) {
        boolean budget = limit.kind() == Limit.Kind.BUDGET;
        String key = budget ? limit.key() + "@" + window : limit.key();
        Entry e = entries.computeIfAbsent(key, k -> new Entry(limit, budget ? window : 0));
        synchronized (e) {
            if (budget) {
                e.scaled += units;
            } else {
                long now = Math.max(window, e.at);
                e.scaled = Math.max(0, LimitMath.drained(e.scaled, e.at, now, limit.amount())
                        + Admission.scaled(limit, units));
                e.at = now;
            }
        }
    }

    /** Whether anything is waiting to be handed over. */
    public boolean isEmpty() {
        return entries.isEmpty();
    }

    /** Takes everything recorded so far (rates drained to {@code now}); later charges start a new ledger. */
    public List<Spend> drain(long now) {
        List<Spend> out = new ArrayList<>();
        for (Map.Entry<String, Entry> me : entries.entrySet()) {
            if (entries.remove(me.getKey(), me.getValue())) {
                Entry e = me.getValue();
                synchronized (e) {
                    if (e.limit.kind() == Limit.Kind.BUDGET) {
                        out.add(new Spend(e.limit, e.window, e.scaled, now));
                    } else {
                        long level = LimitMath.drained(e.scaled, e.at, Math.max(now, e.at), e.limit.amount());
                        out.add(new Spend(e.limit, 0, level, Math.max(now, e.at)));
                    }
                }
            }
        }
        out.removeIf(s -> s.scaled() == 0);
        return out;
    }

    /** Puts back what a failed hand-over took. */
    public void restore(List<Spend> spends) {
        for (Spend s : spends) {
            if (s.limit().kind() == Limit.Kind.BUDGET) {
                charged(s.limit(), s.window(), s.scaled());
            } else {
                charged(s.limit(), s.at(), Math.ceilDiv(s.scaled(), s.limit().periodMillis()));
            }
        }
    }
}
