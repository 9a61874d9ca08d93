package dev.switchboard.picker.plugins.picker;

import dev.switchboard.picker.scheduling.EndpointState;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.random.RandomGenerator;

/**
 * Type {@value #TYPE}: the candidates in turn, scores ignored: what a plain Service or load balancer does, kept as
 * the baseline the other profiles are measured against. The fallbacks are the next endpoints in turn. Parameter
 * {@code maxNumOfEndpoints} (default 1).
 */
public final class RoundRobinPicker extends BoundedPicker {
    public static final String TYPE = "round-robin-picker";
    private final AtomicLong turn = new AtomicLong();

    public RoundRobinPicker(String name, int maxNumOfEndpoints) {
        super(TYPE, name, maxNumOfEndpoints);
    }

    @Override
    public List<EndpointState> pick(List<EndpointState> endpoints, double[] totals, RandomGenerator random) {
        int n = endpoints.size();
        if (n == 0) {
            return List.of();
        }
        int first = (int) Math.floorMod(turn.getAndIncrement(), (long) n);
        List<EndpointState> out = new ArrayList<>(Math.min(n, maxNumOfEndpoints));
        for (int k = 0; k < n && k < maxNumOfEndpoints; k++) {
            out.add(endpoints.get((first + k) % n));
        }
        return out;
    }
}
