package dev.switchboard.sim.engine;

/**
 * One request as the engine sees it.
 *
 * @param promptTokens  prompt length in tokens
 * @param blockHashes   chained hashes of the prompt's full blocks, in order (see {@link BlockHasher})
 * @param outputTokens  tokens to generate; 0 for a pooling (embedding) request, which ends after its prefill
 * @param maxTokens     the request's max_tokens (to tell finish reason "length" from "stop")
 * @param adapter       LoRA adapter name, or null for the base model
 * @param promptIds     the prompt's token ids (what a KV-event {@code BlockStored} says a block holds); may be empty
 *                      where no events are published
 */
public record GenerationRequest(int promptTokens, long[] blockHashes, int outputTokens, int maxTokens, String adapter,
        long[] promptIds) {
    private static final long[] NO_IDS = {};

    /** A request whose token ids are not kept (no KV events for its blocks). */
    public GenerationRequest(int promptTokens, long[] blockHashes, int outputTokens, int maxTokens, String adapter) {
        this(promptTokens, blockHashes, outputTokens, maxTokens, adapter, NO_IDS);
    }

    public GenerationRequest {
        if (promptTokens < 1) {
            throw new IllegalArgumentException("a prompt has at least one token");
        }
        if (outputTokens < 0) {
            throw new IllegalArgumentException("output tokens must be >= 0");
        }
    }

    boolean pooling() {
        return outputTokens == 0;
    }
}
