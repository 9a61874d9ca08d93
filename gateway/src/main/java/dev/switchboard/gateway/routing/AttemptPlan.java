package dev.switchboard.gateway.routing;

import dev.switchboard.core.config.BackendRef;
import dev.switchboard.core.config.RouteRule;
import dev.switchboard.core.config.Upstream;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
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
     * The list is bounded by the rule's retry count + 1.
     */

    private final List<Attempt> attempts;
    private int next;

    private AttemptPlan(List<Attempt> attempts) {
        this.attempts = attempts;
    }

    public static AttemptPlan of(RouteRule rule, OutlierDetector outliers, RandomGenerator random) {
        return of(rule, outliers, random, ref -> ref.backend().upstreams());
    }

    /**
     * @param poolOrder for a ref to an InferencePool, its endpoints in the order the endpoint picker chose for this
     *                  request (asked only for pool refs)
     */
    public static AttemptPlan of(RouteRule rule, OutlierDetector outliers, RandomGenerator random,
            java.util.function.Function<BackendRef, List<Upstream>> poolOrder) {
        TreeMap<Integer, List<BackendRef>> byPriority = new TreeMap<>();
        for (BackendRef ref : rule.backendRefs()) {
            byPriority.computeIfAbsent(ref.priority(), p -> new ArrayList<>()).add(ref);
        }
        List<Attempt> healthy = new ArrayList<>();
        List<Attempt> ejected = new ArrayList<>();
        for (List<BackendRef> group : byPriority.values()) {
            List<BackendRef> ordered = weightedOrder(group, random);
            List<List<Upstream>> addresses = ordered.stream()
                    .map(r -> r.pool() != null ? poolOrder.apply(r) : r.backend().upstreams()).toList();
            int passes = addresses.stream().mapToInt(List::size).max().orElse(0);
            // a pool's order is the picker's; a plain backend's addresses start at a random one
            int[] offsets = new int[ordered.size()];
            for (int i = 0; i < offsets.length; i++) {
                offsets[i] = ordered.get(i).pool() != null || addresses.get(i).isEmpty() ? 0
                        : random.nextInt(addresses.get(i).size());
            }
            for (int pass = 0; pass < passes; pass++) {
                for (int i = 0; i < ordered.size(); i++) {
                    List<Upstream> ups = addresses.get(i);
                    if (pass < ups.size()) {
                        Upstream u = ups.get((offsets[i] + pass) % ups.size());
                        (outliers.ejected(u) ? ejected : healthy).add(new Attempt(ordered.get(i), u));
                    }
                }
            }
        }
        healthy.addAll(ejected);
        int limit = rule.retry().numRetries() + 1;
        return new AttemptPlan(healthy.size() > limit ? List.copyOf(healthy.subList(0, limit)) : healthy);
    }

    private static List<BackendRef> weightedOrder(List<BackendRef> group, RandomGenerator random) {
        List<BackendRef> pool = new ArrayList<>(group);
        List<BackendRef> out = new ArrayList<>(group.size());
        long total = pool.stream().mapToLong(BackendRef::weight).sum();
        while (total > 0) {
            long pick = random.nextLong(total);
            for (int i = 0; i < pool.size(); i++) {
                BackendRef r = pool.get(i);
                if (pick < r.weight()) {
                    out.add(r);
                    pool.remove(i);
                    total -= r.weight();
                    break;
                }
                pick -= r.weight();
            }
        }
        out.addAll(pool); // weight 0: fallbacks within the priority
        return out;
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
