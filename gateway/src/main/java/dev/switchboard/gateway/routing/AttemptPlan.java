package dev.switchboard.gateway.routing;

import dev.switchboard.core.config.BackendRef;
import dev.switchboard.core.config.RouteRule;
import dev.switchboard.core.config.Upstream;
import dev.switchboard.picker.pool.Endpoint;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;
import java.util.random.RandomGenerator;

/**
 * The order in which one request tries its rule's backends.
 */
public final class AttemptPlan {
    /*
     * Order: priorities ascending (a higher priority number is only a fallback). Within a priority the refs are
     * drawn by weight without replacement (weighted random order, so load splits by weight and a retry moves to
     * another backend); refs of weight 0 come last. A ref's backend may list several addresses: the first pass
     * tries one address per ref, a second pass the next ones, so a retry prefers another backend over another
     * address of the same one. Addresses the outlier detector ejected are moved to the end rather than dropped:
     * when everything is ejected, trying is better than failing at once (Envoy's panic threshold, at 100%).
     * The list is bounded by the rule's retry count + 1, so building stops once that many healthy attempts are
     * found (a pool of 100 endpoints costs three, not a hundred).
     */

    private final List<Attempt> attempts;
    private int next;

    private AttemptPlan(List<Attempt> attempts) {
        this.attempts = attempts;
    }

    public static AttemptPlan of(RouteRule rule, OutlierDetector outliers, RandomGenerator random) {
        return of(rule, outliers, random, ref -> List.of());
    }

    /**
     * @param poolOrder for a ref to an InferencePool, its endpoints in the order the endpoint picker chose for this
     *                  request (asked only for pool refs)
     */
    public static AttemptPlan of(RouteRule rule, OutlierDetector outliers, RandomGenerator random,
            Function<BackendRef, List<Endpoint>> poolOrder) {
        List<BackendRef> refs = rule.backendRefs();
        int limit = rule.retry().numRetries() + 1;
        List<Attempt> healthy = new ArrayList<>(Math.min(limit, 8));
        List<Attempt> ejected = null;
        BackendRef[] byPriority = refs.toArray(new BackendRef[0]);
        if (byPriority.length > 1) {
            Arrays.sort(byPriority, BY_PRIORITY); // stable: config order within a priority
        }
        for (int from = 0; from < byPriority.length && healthy.size() < limit; ) { // a full plan asks no more pools
            int to = from + 1;
            while (to < byPriority.length && byPriority[to].priority() == byPriority[from].priority()) {
                to++;
            }
            BackendRef[] ordered = weightedOrder(byPriority, from, to, random);
            List<?>[] addresses = addresses(ordered, poolOrder);
            int passes = 0;
            // a pool's order is the picker's; a plain backend's addresses start at a random one
            int[] offsets = new int[ordered.length];
            for (int i = 0; i < ordered.length; i++) {
                int n = addresses[i].size();
                passes = Math.max(passes, n);
                offsets[i] = ordered[i].pool() != null || n <= 1 ? 0 : random.nextInt(n);
            }
            for (int pass = 0; pass < passes && healthy.size() < limit; pass++) {
                for (int i = 0; i < ordered.length && healthy.size() < limit; i++) {
                    List<?> ups = addresses[i];
                    if (pass < ups.size()) {
                        Attempt a = attempt(ordered[i], ups.get((offsets[i] + pass) % ups.size()));
                        if (outliers.ejected(a.upstream())) {
                            (ejected == null ? ejected = new ArrayList<>(2) : ejected).add(a);
                        } else {
                            healthy.add(a);
                        }
                    }
                }
            }
            from = to;
        }
        if (ejected != null) {
            healthy.addAll(ejected);
        }
        return new AttemptPlan(healthy.size() > limit ? List.copyOf(healthy.subList(0, limit)) : healthy);
    }

    private static final Comparator<BackendRef> BY_PRIORITY = Comparator.comparingInt(BackendRef::priority);

    /** Per ref, where it can go: a pool's endpoints in the picker's order, or a backend's addresses. */
    private static List<?>[] addresses(BackendRef[] ordered, Function<BackendRef, List<Endpoint>> poolOrder) {
        List<?>[] out = new List<?>[ordered.length];
        for (int i = 0; i < ordered.length; i++) {
            out[i] = ordered[i].pool() != null ? poolOrder.apply(ordered[i]) : ordered[i].backend().upstreams();
        }
        return out;
    }

    private static Attempt attempt(BackendRef ref, Object address) {
        return address instanceof Endpoint e ? new Attempt(ref, new Upstream(e.host(), e.port(), null), e)
                : new Attempt(ref, (Upstream) address);
    }

    /** The refs {@code [from, to)} of one priority in weighted random order, refs of weight 0 last. */
    private static BackendRef[] weightedOrder(BackendRef[] refs, int from, int to, RandomGenerator random) {
        BackendRef[] out = Arrays.copyOfRange(refs, from, to);
        if (out.length == 1) {
            return out;
        }
        long total = 0;
        for (BackendRef r : out) {
            total += r.weight();
        }
        // draw without replacement: out[0..k) is the order so far, out[k..) the refs still in the draw
        for (int k = 0; total > 0; k++) {
            long pick = random.nextLong(total);
            for (int i = k; i < out.length; i++) {
                if (pick < out[i].weight()) {
                    BackendRef chosen = out[i];
                    System.arraycopy(out, k, out, k + 1, i - k); // keep the rest in config order
                    out[k] = chosen;
                    total -= chosen.weight();
                    break;
                }
                pick -= out[i].weight();
            }
        }
        return out; // weight 0 refs were never drawn: they stay last, in config order
    }

    /** The next attempt, or null when the plan is exhausted. */
    public Attempt next() {
        return next < attempts.size() ? attempts.get(next++) : null;
    }

    /** Attempts made so far. */
    public int made() {
        return next;
    }

    public List<Attempt> all() {
        return attempts;
    }
}
