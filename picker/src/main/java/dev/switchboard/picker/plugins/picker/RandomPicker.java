package dev.switchboard.picker.plugins.picker;

import dev.switchboard.picker.scheduling.EndpointState;
import dev.switchboard.picker.scheduling.Picker;
import dev.switchboard.picker.scheduling.TypedName;
import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * Type {@value #TYPE}: endpoints in uniformly random order, scores ignored. Parameter {@code maxNumOfEndpoints}
 * (default 1).
 */
public final class RandomPicker implements Picker {
    public static final String TYPE = "random-picker";
    private final TypedName name;
    private final int maxNumOfEndpoints;

    public RandomPicker(String name, int maxNumOfEndpoints) {
        if (maxNumOfEndpoints < 1) {
            throw new IllegalArgumentException("maxNumOfEndpoints must be >= 1, got " + maxNumOfEndpoints);
        }
        this.name = new TypedName(TYPE, name);
        this.maxNumOfEndpoints = maxNumOfEndpoints;
    }

    @Override
    public TypedName typedName() {
        return name;
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
