package dev.switchboard.sim.server;

/**
 * The wire-specific half of a generation's response: what the engine's tokens become on the connection. The
 * engine-facing half (coalescing, failure injection, back-pressure on the connection) is {@link GenerationResponder}
 * and is the same for every API; this half is the OpenAI bodies of {@link OpenAiResponseWriter} or a provider
 * codec's encoder in {@link CodecResponseWriter}. Called on the channel's event loop only.
 */
interface ResponseWriter {

    /** Token {@code index} was generated (in order, each once): write it, or keep it for a whole body. */
    void token(int index);

    /** The end of one drain: a stream sends and flushes what its tokens became; a whole body waits. */
    void flush();

    /** The generation finished after its last {@link #flush}: write the rest and complete the response. */
    void finish(String reason, int promptTokens, int outputTokens, int cachedTokens);
}
