package dev.switchboard.sim.server;

/**
 * A validated OpenAI request, reduced to what the simulator needs.
 *
 * @param api          which API
 * @param model        the requested model name, as the response echoes it
 * @param adapter      the LoRA adapter when {@code model} names one, else null
 * @param promptIds    token ids of the prompt (chat template applied for chat)
 * @param maxTokens    max_tokens (or max_completion_tokens); the remaining context when absent
 * @param outputTokens tokens the engine will generate
 * @param stream       SSE response
 * @param includeUsage stream_options.include_usage
 * @param seed         seed for the generated text
 * @param base64       embeddings: encoding_format base64
 */
record ParsedRequest(
        Api api, String model, String adapter, long[] promptIds, int maxTokens, int outputTokens, boolean stream,
        boolean includeUsage, long seed, boolean base64) {
}
