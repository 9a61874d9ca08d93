package dev.switchboard.providers.chat;

/**
 * A response as a sequence of events in no provider's shape: what a backend's response (streamed or whole) is decoded
 * into and the client's response is encoded from. A whole response is the same events, all at once; the client-side
 * encoder then writes one body at {@link #end()}.
 *
 * <p>Order: {@link #start} once first; then content events in the order the model produced them; {@link #usage} at
 * any point, possibly more than once (later counts {@linkplain Usage#merge replace} earlier ones); {@link #finish}
 * once; then {@link #end} (or {@link #error} in its place, at any point after start). A decoder that sees its
 * upstream end without a finish calls {@link #error}: a cut stream must not look complete.
 *
 * <p>Text arguments are only valid during the call (decoders pass views of their buffers, so a stream chunk costs no
 * allocation): an implementation that keeps one copies it.
 */
public interface ChatEvents {

    /**
     * The response begins.
     *
     * @param id    the provider's response id, or null
     * @param model the model that answered as the backend named it, or null
     */
    void start(String id, String model);

    /** More of the answer's text. */
    void text(CharSequence delta);

    /** More visible reasoning. */
    void thinking(CharSequence delta);

    /** The signature that ends a thinking block (Anthropic), to be sent back with it in the next turn. */
    void thinkingSignature(String signature);

    /** A whole redacted (encrypted) thinking block. */
    void redactedThinking(String data);

    /**
     * A tool call begins; its arguments follow in {@link #toolArguments} deltas.
     *
     * @param index the call's position among this response's tool calls, from 0
     */
    void toolCall(int index, String id, String name);

    /** More of tool call {@code index}'s arguments (JSON text, in pieces that are not JSON on their own). */
    void toolArguments(int index, CharSequence delta);

    /** Token counts; fields that are -1 leave what an earlier call said. */
    void usage(Usage usage);

    /** Why the model stopped; {@code stopSequence} is the sequence when it was one, else null. */
    void finish(FinishReason reason, String stopSequence);

    /** The response is complete. */
    void end();

    /** The response failed after it started (a provider error event, a cut stream); nothing follows. */
    void error(ChatError error);
}
