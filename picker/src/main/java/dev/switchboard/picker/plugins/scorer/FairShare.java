package dev.switchboard.picker.plugins.scorer;

import java.util.Arrays;

/** Splits a budget of prefix-index entries among endpoints that each ask for some, max-min fairly. */
final class FairShare {
    /*
     * Problem: the caches the endpoints report may add up to more entries than the prefix index may hold (a large
     * pool, or one server reporting a huge or bogus num_gpu_blocks).
     * Approach (water-filling): each endpoint gets min(its demand, level), the level being the largest whole number
     * for which the shares still add up to at most the budget. Endpoints asking for less than the level keep all they
     * asked for; the others share the rest equally. Scaling every demand by budget / total was the alternative: it
     * lets one server that reports 2^31 blocks squeeze every honest one down to almost nothing, while here it only
     * takes an equal part.
     * Cost: a sort of the demands, O(n log n) for n endpoints; run when an endpoint joins, leaves or reports a new
     * size, not per pick.
     */

    private FairShare() {}

    /**
     * The level for {@code demands[0..count)} (zeros allowed) and {@code budget} entries: every share is
     * min(demand, level). {@link Integer#MAX_VALUE} when all demands fit.
     */
    static int level(int[] demands, int count, long budget) {
        int[] sorted = Arrays.copyOf(demands, count);
        Arrays.sort(sorted);
        long left = budget;
        for (int i = 0; i < count; i++) {
            long even = left / (count - i);
            if (sorted[i] > even) {
                return (int) Math.min(even, Integer.MAX_VALUE); // this and every larger demand get `even`
            }
            left -= sorted[i];
        }
        return Integer.MAX_VALUE;
    }
}
