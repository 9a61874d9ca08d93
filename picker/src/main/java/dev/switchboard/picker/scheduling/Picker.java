package dev.switchboard.picker.scheduling;

import java.util.List;
import java.util.random.RandomGenerator;

/** Chooses endpoints from the scored candidates: the first is the pick, the rest its ordered fallbacks. */
public interface Picker extends Plugin {
    /**
     * @param totals weighted score sums, {@code totals[i]} for {@code endpoints.get(i)}
     * @return at most the picker's {@code maxNumOfEndpoints}, best first
     */
    List<EndpointState> pick(List<EndpointState> endpoints, double[] totals, RandomGenerator random);
}
