package dev.switchboard.picker.plugins.scorer;

import dev.switchboard.picker.scheduling.EndpointState;

/**
 * Type {@value #TYPE} (llm-d's name): favours endpoints with fewer requests in flight from this gateway, counted
 * locally so it never lags. Score {@code (max - n) / (max - min)}; all equal scores 1.0. With the max-score picker
 * this is least-in-flight balancing. No parameters.
 */
public final class ActiveRequestScorer extends FewerIsBetterScorer {
    public static final String TYPE = "active-request-scorer";

    public ActiveRequestScorer(String name) {
        super(TYPE, name, EndpointState::inFlightRequests);
    }
}
