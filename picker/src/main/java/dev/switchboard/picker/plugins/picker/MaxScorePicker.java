package dev.switchboard.picker.plugins.picker;

import dev.switchboard.picker.scheduling.EndpointState;
import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * Type {@value #TYPE}: the highest-scored endpoints, ties broken at random (candidates are shuffled, then stably
 * sorted by score, as the reference EPP does). Parameter {@code maxNumOfEndpoints} (default 1): how many to return;
 * more than one makes the rest an ordered fallback list.
 */
public final class MaxScorePicker extends BoundedPicker {
    public static final String TYPE = "max-score-picker";
    public MaxScorePicker(String name, int maxNumOfEndpoints) {
        super(TYPE, name, maxNumOfEndpoints);
    }

    /*
     * Selection, not a sort: k passes over the candidates (k = maxNumOfEndpoints, 1 by default), each taking the
     * best not yet taken, a tie broken by reservoir sampling (the j-th equal score replaces the choice with
     * probability 1/j). That is the reference's order (a shuffle, then a stable sort by score) in distribution,
     * at O(n k) with no boxing, where the sort cost 4 % of an ext_proc server's CPU with 100 endpoints.
     * Double.compare orders the scores, as the sort's comparator did (NaN above everything).
     */
    @Override
    public List<EndpointState> pick(List<EndpointState> endpoints, double[] totals, RandomGenerator random) {
        int n = endpoints.size();
        int k = Math.min(n, maxNumOfEndpoints);
        List<EndpointState> out = new ArrayList<>(k);
        boolean[] taken = k > 1 ? new boolean[n] : null;
        for (int round = 0; round < k; round++) {
            int best = -1;
            int ties = 0;
            for (int i = 0; i < n; i++) {
                if (taken != null && taken[i]) {
                    continue;
                }
                int c = best < 0 ? 1 : Double.compare(totals[i], totals[best]);
                if (c > 0) {
                    best = i;
                    ties = 1;
                } else if (c == 0 && random.nextInt(++ties) == 0) {
                    best = i;
                }
            }
            out.add(endpoints.get(best));
            if (taken != null) {
                taken[best] = true;
            }
        }
        return out;
    }
}
