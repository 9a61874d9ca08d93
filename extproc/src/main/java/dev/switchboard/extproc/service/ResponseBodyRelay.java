package dev.switchboard.extproc.service;

import com.google.protobuf.ByteString;
import dev.switchboard.core.model.UsageTail;
import dev.switchboard.extproc.protocol.ProcessingResponses;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingResponse;
import java.util.function.Consumer;

/**
 * Sends the response body back to Envoy as it arrives (FULL_DUPLEX_STREAMED: whatever the processor does not send
 * back, the client never gets), with the client's model name restored where a rewrite changed it, and keeps its
 * last bytes for the token usage.
 */
final class ResponseBodyRelay implements ResponseBody {
    /*
     * Streamed (SSE) and whole-JSON responses take the same path: every chunk goes back at once, re-cut to at most
     * 62,000 bytes. The reference EPP buffers a non-streamed body to its end because it parses the whole JSON for
     * the usage and rewrites the model with a byte replace; UsageTail reads usage from the last bytes and the
     * restorer works across chunk boundaries, so neither needs the whole body, and a large response costs no
     * memory here and no added latency. Envoy drops the response's content-length in this mode, so a body whose
     * length changed is still framed right.
     */

    private final ModelNameRestorer restorer;
    private final UsageTail usage = new UsageTail();
    private boolean bytesSeen;

    /** @param restorer the client's model name back in place of the target's, or null when they are the same */
    ResponseBodyRelay(ModelNameRestorer restorer) {
        this.restorer = restorer;
    }

    @Override
    public boolean body(ByteString chunk, boolean endOfStream, Consumer<ProcessingResponse> out) {
        boolean first = !bytesSeen && !chunk.isEmpty();
        bytesSeen |= first;
        usage.add(chunk.asReadOnlyByteBuffer());
        ByteString send = restorer == null ? chunk : restorer.next(chunk);
        if (endOfStream && restorer != null) {
            send = send.concat(restorer.end());
        }
        if (!send.isEmpty() || endOfStream) {
            ProcessingResponses.responseBody(send, endOfStream, out);
        }
        return first;
    }

    @Override
    public void flush(Consumer<ProcessingResponse> out) {
        if (restorer != null) {
            ByteString rest = restorer.end();
            if (!rest.isEmpty()) {
                ProcessingResponses.responseBody(rest, false, out);
            }
        }
    }

    @Override
    public UsageTail.Usage usage() {
        return usage.usage();
    }
}
