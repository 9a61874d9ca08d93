package dev.switchboard.picker.plugins.picker;

import dev.switchboard.picker.scheduling.EndpointState;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * Type {@value #TYPE}: endpoints drawn at random with probability proportional to their score, without
 * replacement (Efraimidis-Spirakis A-Res: each endpoint gets the key {@code u^(1/score)} for a uniform u, and the
 * largest keys win), so a hot spot at the top score still gets only its share. Endpoints scoring 0 come after all
 * others, in random order; all zero is a uniform random pick. Parameter {@code maxNumOfEndpoints} (default 1).
 */
public final class WeightedRandomPicker extends BoundedPicker {
    public static final String TYPE = "weighted-random-picker";
    public WeightedRandomPicker(String name, int maxNumOfEndpoints) {
        super(TYPE, name, maxNumOfEndpoints);
    }

    @Override
    public List<EndpointState> pick(List<EndpointState> endpoints, double[] totals, RandomGenerator random) {
        int n = endpoints.size();
        double[] keys = new double[n];
        List<Integer> order = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            double u = 1.0 - random.nextDouble(); // (0, 1]
            // log of u^(1/w) keeps precision for small weights; weight 0 ranks below every positive weight
            keys[i] = totals[i] > 0 ? Math.log(u) / totals[i] : Double.NEGATIVE_INFINITY;
            order.add(i);
        }
        java.util.Collections.shuffle(order, new java.util.Random(random.nextLong())); // random among zero weights
        order.sort(Comparator.comparingDouble((Integer i) -> keys[i]).reversed());
        List<EndpointState> out = new ArrayList<>(Math.min(n, maxNumOfEndpoints));
        for (int k = 0; k < n && k < maxNumOfEndpoints; k++) {
            out.add(endpoints.get(order.get(k)));
        }
        return out;
    }
}
