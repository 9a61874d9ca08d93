package dev.switchboard.providers.chat;

/**
 * Token counts of one response; -1 where the provider did not say.
 *
 * @param inputTokens         prompt tokens, all of them (cached and cache-written included, as OpenAI counts)
 * @param outputTokens        generated tokens (reasoning included)
 * @param cachedInputTokens   prompt tokens read from the provider's prompt cache
 * @param cacheCreationTokens prompt tokens written to it (Anthropic {@code cache_creation_input_tokens})
 * @param reasoningTokens     of the output, the tokens spent thinking
 */
public record Usage(long inputTokens, long outputTokens, long cachedInputTokens, long cacheCreationTokens,
        long reasoningTokens) {
    public static final Usage UNKNOWN = new Usage(-1, -1, -1, -1, -1);

    /** These counts, each replaced by {@code later}'s where it knows it (a stream reports in pieces). */
    public Usage merge(Usage later) {
        return new Usage(pick(later.inputTokens, inputTokens), pick(later.outputTokens, outputTokens),
                pick(later.cachedInputTokens, cachedInputTokens), pick(later.cacheCreationTokens, cacheCreationTokens),
                pick(later.reasoningTokens, reasoningTokens));
    }

    public boolean known() {
        return inputTokens >= 0 || outputTokens >= 0;
    }

    private static long pick(long a, long b) {
        return a >= 0 ? a : b;
    }
}
