package dev.switchboard.picker.plugins.scorer;

import dev.switchboard.picker.scheduling.EndpointState;

/**
 * Type {@value #TYPE}: favours short waiting queues. Score {@code (max - q) / (max - min)} over the candidates'
 * waiting counts; all equal scores 1.0; unknown or stale metrics score 0. No parameters.
 */
public final class QueueScorer extends FewerIsBetterScorer {
    public static final String TYPE = "queue-scorer";

    public QueueScorer(String name) {
        super(TYPE, name, EndpointState::waiting);
    }
}
