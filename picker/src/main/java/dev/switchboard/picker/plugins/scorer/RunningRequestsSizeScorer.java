package dev.switchboard.picker.plugins.scorer;

import dev.switchboard.picker.scheduling.EndpointState;
import dev.switchboard.picker.scheduling.PickRequest;
import dev.switchboard.picker.scheduling.Scorer;
import dev.switchboard.picker.scheduling.TypedName;
import java.util.List;

/**
 * Type {@value #TYPE}: favours small running batches. Score {@code (max - r) / (max - min)} over the candidates'
 * running counts; all equal scores 1.0; unknown or stale metrics score 0. No parameters.
 */
public final class RunningRequestsSizeScorer implements Scorer {
    public static final String TYPE = "running-requests-size-scorer";
    private final TypedName name;

    public RunningRequestsSizeScorer(String name) {
        this.name = new TypedName(TYPE, name);
    }

    @Override
    public TypedName typedName() {
        return name;
    }

    @Override
    public void score(PickRequest request, List<EndpointState> endpoints, double[] scores) {
        MinMax.fewerIsBetter(endpoints, EndpointState::running, scores);
    }
}
