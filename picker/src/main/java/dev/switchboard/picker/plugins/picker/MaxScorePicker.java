package dev.switchboard.picker.plugins.picker;

import dev.switchboard.picker.scheduling.EndpointState;
import java.util.ArrayList;
import java.util.Comparator;
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

    @Override
    public List<EndpointState> pick(List<EndpointState> endpoints, double[] totals, RandomGenerator random) {
        int n = endpoints.size();
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        for (int i = n - 1; i > 0; i--) { // Fisher-Yates: random order among equal scores
            int j = random.nextInt(i + 1);
            Integer t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        java.util.Arrays.sort(order, Comparator.comparingDouble((Integer i) -> totals[i]).reversed());
        List<EndpointState> out = new ArrayList<>(Math.min(n, maxNumOfEndpoints));
        for (int k = 0; k < n && k < maxNumOfEndpoints; k++) {
            out.add(endpoints.get(order[k]));
        }
        return out;
    }
}
