package dev.switchboard.picker.plugins.scorer;

import dev.switchboard.picker.scheduling.EndpointState;

/**
 * Type {@value #TYPE}: favours small running batches. Score {@code (max - r) / (max - min)} over the candidates'
 * running counts; all equal scores 1.0; unknown or stale metrics score 0. No parameters.
 */
public final class RunningRequestsSizeScorer extends FewerIsBetterScorer {
    public static final String TYPE = "running-requests-size-scorer";

    public RunningRequestsSizeScorer(String name) {
        super(TYPE, name, EndpointState::running);
    }
}
