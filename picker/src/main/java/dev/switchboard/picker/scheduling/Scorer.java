package dev.switchboard.picker.scheduling;

import java.util.List;

/**
 * Scores every candidate endpoint for a request. Scores are meant to be in [0, 1], higher is better; the framework
 * clamps them, weights them and sums them across scorers.
 */
public interface Scorer extends Plugin {
    /** Writes the score of {@code endpoints.get(i)} to {@code scores[i]}. */
    void score(PickRequest request, List<EndpointState> endpoints, double[] scores);
}
