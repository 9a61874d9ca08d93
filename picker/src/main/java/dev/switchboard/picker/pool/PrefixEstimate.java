package dev.switchboard.picker.pool;

/**
 * How well the gateway's picture of one endpoint's prefix cache matched what the endpoint reported: over the answers
 * whose usage said how many prompt tokens came from the cache ({@code usage.prompt_tokens_details.cached_tokens}),
 * the tokens the pick expected cached there against the tokens that were. An approximate index that forgets later
 * than the server does (it does not see the output tokens that also fill the server's cache, nor other clients'
 * prompts) shows here as estimated above reported: requests sent to a "warm" endpoint that had evicted the prefix.
 * Thread-safe; totals since the start, as counters.
 */
public final class PrefixEstimate {
    private long answers;
    private long promptTokens;
    private long estimatedTokens;
    private long reportedTokens;
    private long falseHits;

    /**
     * One answer: the pick expected {@code estimatedShare} of its prompt cached at the endpoint, which reported
     * {@code cachedTokens} of its {@code promptTokens} (both in the endpoint's tokens) from its cache. An answer is
     * a false hit when the pick expected at least half the prompt cached and less than half of that was.
     */
    public synchronized void answered(double estimatedShare, long promptTokens, long cachedTokens) {
        if (promptTokens <= 0 || cachedTokens < 0 || !(estimatedShare >= 0)) {
            return;
        }
        long estimated = Math.round(Math.min(1, estimatedShare) * promptTokens);
        long cached = Math.min(cachedTokens, promptTokens);
        answers++;
        this.promptTokens += promptTokens;
        estimatedTokens += estimated;
        reportedTokens += cached;
        if (2 * estimated >= promptTokens && 2 * cached < estimated) {
            falseHits++;
        }
    }

    public synchronized Totals totals() {
        return new Totals(answers, promptTokens, estimatedTokens, reportedTokens, falseHits);
    }

    /**
     * @param answers         answers with a reported cached-token count
     * @param promptTokens    their prompt tokens, as the endpoint counted them
     * @param estimatedTokens of those, the ones the picks expected cached
     * @param reportedTokens  of those, the ones the endpoint reported cached
     * @param falseHits       answers expected at least half cached where less than half of that was
     */
    public record Totals(long answers, long promptTokens, long estimatedTokens, long reportedTokens, long falseHits) {}
}
