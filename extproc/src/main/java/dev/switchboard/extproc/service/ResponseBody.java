package dev.switchboard.extproc.service;

import com.google.protobuf.ByteString;
import dev.switchboard.core.model.UsageTail;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingResponse;
import java.util.function.Consumer;

/**
 * The response body's way back to Envoy (FULL_DUPLEX_STREAMED: whatever the processor does not send back, the
 * client never gets): relayed as it is ({@link ResponseBodyRelay}) or translated to the client's API
 * ({@link TranslatedResponse}).
 */
interface ResponseBody {
    /**
     * Handles one chunk, sending to {@code out} what the client gets of it; returns whether it held the response's
     * first bytes (prefill is over).
     *
     * @param endOfStream the body ends here (no trailers follow)
     */
    boolean body(ByteString chunk, boolean endOfStream, Consumer<ProcessingResponse> out);

    /** The body ends with trailers: sends what is still held, not as the end of the stream. */
    void flush(Consumer<ProcessingResponse> out);

    /** The usage the response reported, or null. */
    UsageTail.Usage usage();

    /**
     * Whether the processor ended the body before the upstream did (a guardrail blocked the answer: its error event
     * was sent with end_of_stream), so what follows of the upstream's is not the client's any more.
     */
    default boolean cut() {
        return false;
    }
}
