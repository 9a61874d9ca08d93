package dev.switchboard.policy.limits;

/**
 * Which tokens a token limit counts. The names are Envoy AI Gateway's {@code LLMRequestCostType}s, so a user's
 * {@code llmRequestCosts} choice carries over; its {@code CachedInputToken}, {@code CacheCreationInputToken},
 * {@code ReasoningToken} and {@code CEL} have no counterpart here (money goes through prices instead).
 */
public enum TokenType {
    TOTAL("TotalToken", 1, 1),
    INPUT("InputToken", 1, 0),
    OUTPUT("OutputToken", 0, 1);

    /** The name in config. */
    public final String configName;
    /** 1 when input (prompt) tokens count, else 0. */
    public final int inputWeight;
    /** 1 when output tokens count, else 0. */
    public final int outputWeight;

    TokenType(String configName, int inputWeight, int outputWeight) {
        this.configName = configName;
        this.inputWeight = inputWeight;
        this.outputWeight = outputWeight;
    }

    /** The tokens this type counts of a request with so much input and output. */
    public long count(long inputTokens, long outputTokens) {
        return inputWeight * inputTokens + outputWeight * outputTokens;
    }
}
