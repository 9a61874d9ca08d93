package dev.switchboard.policy.limits;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What was spent locally that a shared store has not seen: the {@link ChargeListener} of a fallback
 * {@link LocalRateLimiter}, drained into the store when it is reachable again.
 *
 * <p>For a rate it keeps a bucket level, drained as the shared bucket would drain it, so that what is handed over is
 * the usage still inside its period (a ten-minute outage does not push ten minutes of tokens into a one-minute
 * bucket). For a budget it keeps the micro-dollars per fixed window; a window that ended before the hand-over is
 * dropped by the store. Thread-safe: each charge and each take of an entry is one atomic map operation on its key.
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
        // compute, not computeIfAbsent and a lock: a drain's remove is atomic with it, so a charge is either in the
        // entry the drain took or in a new one, never added to an entry already taken (and lost)
        entries.compute(key, (k, e) -> {
            Entry held = e != null ? e : new Entry(limit, budget ? window : 0);
            if (budget) {
                held.scaled += units;
            } else {
                long now = Math.max(window, held.at);
                held.scaled = Math.max(0, LimitMath.drained(held.scaled, held.at, now, limit.amount())
                        + Admission.scaled(limit, units));
                held.at = now;
            }
            return held;
        });
    }

    /** Whether anything is waiting to be handed over. */
    public boolean isEmpty() {
        return entries.isEmpty();
    }

    /** Takes everything recorded so far (rates drained to {@code now}); later charges start a new ledger. */
    public List<Spend> drain(long now) {
        List<Spend> out = new ArrayList<>();
        for (String key : entries.keySet()) {
            Entry e = entries.remove(key); // no charge can reach e after this: the next one starts a new entry
            if (e == null) {
                continue;
            }
            if (e.limit.kind() == Limit.Kind.BUDGET) {
                out.add(new Spend(e.limit, e.window, e.scaled, now));
            } else {
                long level = LimitMath.drained(e.scaled, e.at, Math.max(now, e.at), e.limit.amount());
                out.add(new Spend(e.limit, 0, level, Math.max(now, e.at)));
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
