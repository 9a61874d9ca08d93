package dev.switchboard.picker.plugins.picker;

import dev.switchboard.picker.scheduling.EndpointState;
import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * Type {@value #TYPE}: endpoints in uniformly random order, scores ignored. Parameter {@code maxNumOfEndpoints}
 * (default 1).
 */
public final class RandomPicker extends BoundedPicker {
    public static final String TYPE = "random-picker";
    public RandomPicker(String name, int maxNumOfEndpoints) {
        super(TYPE, name, maxNumOfEndpoints);
    }

    @Override
    public List<EndpointState> pick(List<EndpointState> endpoints, double[] totals, RandomGenerator random) {
        List<EndpointState> pool = new ArrayList<>(endpoints);
        List<EndpointState> out = new ArrayList<>(Math.min(pool.size(), maxNumOfEndpoints));
        while (!pool.isEmpty() && out.size() < maxNumOfEndpoints) {
            out.add(pool.remove(random.nextInt(pool.size())));
        }
        return out;
    }
}
