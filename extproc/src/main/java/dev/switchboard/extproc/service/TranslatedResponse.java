package dev.switchboard.extproc.service;

import com.google.protobuf.ByteString;
import dev.switchboard.core.model.UsageTail;
import dev.switchboard.extproc.protocol.ProcessingResponses;
import dev.switchboard.providers.ResponseTranslation;
import dev.switchboard.providers.chat.Usage;
import dev.switchboard.providers.wire.ByteSink;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingResponse;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A backend's response translated to the client's API as Envoy streams it through: each chunk is fed to the
 * translation and what it wrote goes back as the chunk's replacement. A streamed translation writes as it reads;
 * a whole-body one (a non-streamed answer, an error) holds everything until the body ends, so the client gets its
 * answer in the last chunk.
 */
final class TranslatedResponse implements ResponseBody {
    private final ResponseTranslation translation;
    private boolean bytesSeen;
    private boolean ended;

    TranslatedResponse(ResponseTranslation translation) {
        this.translation = translation;
    }

    /**
     * The response headers' edits: the client's content type; no length or encoding (the body is the
     * translation's now, and FULL_DUPLEX_STREAMED frames it anew).
     */
    void headers(Map<String, String> set, List<String> remove) {
        set.put("content-type", translation.contentType());
        remove.add("content-length");
        remove.add("content-encoding");
    }

    @Override
    public boolean body(ByteString chunk, boolean endOfStream, Consumer<ProcessingResponse> out) {
        boolean first = !bytesSeen && !chunk.isEmpty();
        bytesSeen |= first;
        for (ByteBuffer b : chunk.asReadOnlyByteBufferList()) {
            translation.feed(b);
        }
        if (endOfStream) {
            end();
        }
        ByteString send = taken();
        if (!send.isEmpty() || endOfStream) {
            ProcessingResponses.responseBody(send, endOfStream, out);
        }
        return first;
    }

    @Override
    public void flush(Consumer<ProcessingResponse> out) {
        end();
        ByteString rest = taken();
        if (!rest.isEmpty()) {
            ProcessingResponses.responseBody(rest, false, out);
        }
    }

    @Override
    public UsageTail.Usage usage() {
        Usage u = translation.usage();
        return u.known() ? new UsageTail.Usage(u.inputTokens(), u.outputTokens(), u.cachedInputTokens()) : null;
    }

    private void end() {
        if (!ended) {
            ended = true;
            translation.end();
        }
    }

    /** What the translation wrote since the last call, copied out (its sink is reused). */
    private ByteString taken() {
        ByteSink sink = translation.out();
        if (sink.isEmpty()) {
            return ByteString.EMPTY;
        }
        ByteString bytes = ByteString.copyFrom(sink.array(), 0, sink.size());
        sink.reset();
        return bytes;
    }
}
