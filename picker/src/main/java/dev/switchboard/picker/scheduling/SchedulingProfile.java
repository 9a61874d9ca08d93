package dev.switchboard.picker.scheduling;

import dev.switchboard.picker.pool.Endpoint;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.random.RandomGenerator;

/**
 * One scheduling profile: filters in order, then weighted scorers, then one picker, then the observers that learn
 * from the pick. Immutable and thread-safe if its plugins are; one instance serves every request.
 */
public final class SchedulingProfile {
    /*
     * As the reference EPP's profile runner: filters run in order and the pick fails as soon as none is left;
     * each scorer's scores are clamped to [0, 1], multiplied by its weight and summed per endpoint; the picker
     * chooses from the totals. Scratch arrays are allocated per pick (a few doubles per endpoint): no state is
     * shared between concurrent picks.
     */

    /** A scorer with its weight in the profile. */
    public record WeightedScorer(Scorer scorer, double weight) {
        public WeightedScorer {
            if (weight < 0 || Double.isNaN(weight)) {
                throw new IllegalArgumentException("a scorer's weight must be >= 0, got " + weight);
            }
        }
    }

    /**
     * The outcome of one pick.
     *
     * @param endpoints  the picker's choice, best first
     * @param candidates every endpoint the filters let through (the choice among them)
     * @param reason     why nothing was chosen, or null
     */
    public record Result(List<EndpointState> endpoints, List<EndpointState> candidates, String reason) {
        public boolean empty() {
            return endpoints.isEmpty();
        }
    }

    private final String name;
    private final List<Filter> filters;
    private final List<WeightedScorer> scorers;
    private final Picker picker;
    private final List<PickObserver> observers;
    private final List<ResponseHeaderProcessor> responseHeaderProcessors;
    private final List<SharedLearner> learners;

    public SchedulingProfile(String name, List<Filter> filters, List<WeightedScorer> scorers, Picker picker,
            List<PickObserver> observers) {
        this(name, filters, scorers, picker, observers, List.of());
    }

    /** @param responseHeaderProcessors plugins of this profile the gateway calls on each response's headers */
    public SchedulingProfile(String name, List<Filter> filters, List<WeightedScorer> scorers, Picker picker,
            List<PickObserver> observers, List<ResponseHeaderProcessor> responseHeaderProcessors) {
        this.name = name;
        this.filters = List.copyOf(filters);
        this.scorers = List.copyOf(scorers);
        this.picker = picker;
        this.observers = List.copyOf(observers);
        this.responseHeaderProcessors = List.copyOf(responseHeaderProcessors);
        List<SharedLearner> found = new ArrayList<>();
        for (Plugin p : plugins()) {
            if (p instanceof SharedLearner l) {
                found.add(l);
            }
        }
        this.learners = List.copyOf(found);
    }

    /** Every plugin of the profile once (a scorer that is also an observer counts once). */
    private Set<Plugin> plugins() {
        Set<Plugin> all = Collections.newSetFromMap(new IdentityHashMap<>());
        all.addAll(filters);
        scorers.forEach(ws -> all.add(ws.scorer()));
        all.add(picker);
        all.addAll(observers);
        return all;
    }

    /** The plugins whose learning from picks other replicas share (the prefix-aware scorers); often none. */
    public List<SharedLearner> learners() {
        return learners;
    }

    /** The learner of instance name {@code name}, or null. */
    public SharedLearner learner(String name) {
        for (SharedLearner l : learners) { // a profile has one or two
            if (l.typedName().name().equals(name)) {
                return l;
            }
        }
        return null;
    }

    /** The plugins that add headers to a response from an endpoint this profile picked (often none). */
    public List<ResponseHeaderProcessor> responseHeaderProcessors() {
        return responseHeaderProcessors;
    }

    public String name() {
        return name;
    }

    public List<Filter> filters() {
        return filters;
    }

    public List<WeightedScorer> scorers() {
        return scorers;
    }

    public Picker picker() {
        return picker;
    }

    /** Tells every plugin that keeps per-endpoint state that {@code endpoint} left the pool. */
    public void endpointRemoved(Endpoint endpoint) {
        for (Plugin p : plugins()) {
            if (p instanceof EndpointListener l) {
                l.endpointRemoved(endpoint);
            }
        }
    }

    public Result pick(PickRequest request, List<EndpointState> candidates, RandomGenerator random) {
        List<EndpointState> left = candidates;
        for (Filter f : filters) {
            left = f.filter(request, left);
            if (left.isEmpty()) {
                return new Result(List.of(), List.of(), "no endpoint left after filter " + f.typedName().name());
            }
        }
        if (left.isEmpty()) {
            return new Result(List.of(), List.of(), "the pool has no endpoints");
        }
        int n = left.size();
        double[] totals = new double[n];
        double[] scratch = new double[n];
        for (WeightedScorer ws : scorers) {
            java.util.Arrays.fill(scratch, 0);
            ws.scorer().score(request, left, scratch);
            for (int i = 0; i < n; i++) {
                double s = scratch[i];
                totals[i] += ws.weight() * (Double.isNaN(s) ? 0 : Math.max(0, Math.min(1, s)));
            }
        }
        List<EndpointState> picked = picker.pick(left, totals, random);
        if (!picked.isEmpty()) {
            for (PickObserver o : observers) {
                o.onPicked(request, picked.get(0));
            }
        }
        return new Result(picked, left, picked.isEmpty() ? "the picker chose nothing" : null);
    }
}
