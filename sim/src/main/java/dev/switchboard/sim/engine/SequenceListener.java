package dev.switchboard.sim.engine;

/**
 * Receives a sequence's progress. Called on the engine thread, so implementations must be quick and must not
 * block: hand the work to an event loop.
 */
public interface SequenceListener {
    /** The token with index {@code index} (0 = first) was generated. */
    void onToken(int index);

    /**
     * The sequence ended.
     *
     * @param reason       {@code stop}, {@code length} or {@code abort}
     * @param promptTokens prompt length
     * @param outputTokens tokens generated
     * @param cachedTokens prompt tokens served from the prefix cache at first admission
     */
    void onFinish(String reason, int promptTokens, int outputTokens, int cachedTokens);
}
