package dev.switchboard.picker.plugins.scorer;

import dev.switchboard.picker.scheduling.EndpointState;
import dev.switchboard.picker.scheduling.PickRequest;
import dev.switchboard.picker.scheduling.Scorer;
import dev.switchboard.picker.scheduling.TypedName;
import java.util.List;

/**
 * Type {@value #TYPE}: favours short waiting queues. Score {@code (max - q) / (max - min)} over the candidates'
 * waiting counts; all equal scores 1.0; unknown or stale metrics score 0. No parameters.
 */
public final class QueueScorer implements Scorer {
    public static final String TYPE = "queue-scorer";
    private final TypedName name;

    public QueueScorer(String name) {
        this.name = new TypedName(TYPE, name);
    }

    @Override
    public TypedName typedName() {
        return name;
    }

    @Override
    public void score(PickRequest request, List<EndpointState> endpoints, double[] scores) {
        MinMax.fewerIsBetter(endpoints, EndpointState::waiting, scores);
    }
}
