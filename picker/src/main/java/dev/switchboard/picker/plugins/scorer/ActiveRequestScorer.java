package dev.switchboard.picker.plugins.scorer;

import dev.switchboard.picker.scheduling.EndpointState;
import dev.switchboard.picker.scheduling.PickRequest;
import dev.switchboard.picker.scheduling.Scorer;
import dev.switchboard.picker.scheduling.TypedName;
import java.util.List;

/**
 * Type {@value #TYPE} (llm-d's name): favours endpoints with fewer requests in flight from this gateway, counted
 * locally so it never lags. Score {@code (max - n) / (max - min)}; all equal scores 1.0. With the max-score picker
 * this is least-in-flight balancing. No parameters.
 */
public final class ActiveRequestScorer implements Scorer {
    public static final String TYPE = "active-request-scorer";
    private final TypedName name;

    public ActiveRequestScorer(String name) {
        this.name = new TypedName(TYPE, name);
    }

    @Override
    public TypedName typedName() {
        return name;
    }

    @Override
    public void score(PickRequest request, List<EndpointState> endpoints, double[] scores) {
        MinMax.fewerIsBetter(endpoints, EndpointState::inFlightRequests, scores);
    }
}
