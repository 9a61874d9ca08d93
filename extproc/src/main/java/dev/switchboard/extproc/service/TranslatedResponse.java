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
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * A backend's response translated to the client's API as Envoy streams it through: each chunk is fed to the
 * translation and what it wrote goes back as the chunk's replacement. A streamed translation writes as it reads;
 * a whole-body one (a non-streamed answer, an error) holds everything until the body ends, so the client gets its
 * answer in the last chunk. When a guardrail blocks the answer (the translation's hook wrote the client's error
 * event), the body ends there, with end_of_stream, as the gateway ends its response.
 */
final class TranslatedResponse implements ResponseBody {
    private final ResponseTranslation translation;
    /** Whether the translation's hook blocked the answer. */
    private final BooleanSupplier blocked;
    /** The client's model name back in what the translation relays, or null. */
    private final ModelNameRestorer restorer;
    private boolean bytesSeen;
    private boolean ended;
    private boolean cut;

    TranslatedResponse(ResponseTranslation translation) {
        this(translation, () -> false, null);
    }

    /**
     * @param blocked  whether the translation's hook blocked the answer
     * @param restorer the client's model name back in the relayed bytes (an untranslated response watched by the
     *                 hook), or null
     */
    TranslatedResponse(ResponseTranslation translation, BooleanSupplier blocked, ModelNameRestorer restorer) {
        this.translation = translation;
        this.blocked = blocked;
        this.restorer = restorer;
    }

    /**
     * The response headers' edits: the client's content type; no length or encoding (the body is the
     * translation's now, and FULL_DUPLEX_STREAMED frames it anew).
     */
    void headers(Map<String, String> set, List<String> remove) {
        if (translation.contentType() != null) { // null: relayed byte for byte, the upstream's type stays
            set.put("content-type", translation.contentType());
        }
        remove.add("content-length");
        remove.add("content-encoding");
    }

    @Override
    public boolean body(ByteString chunk, boolean endOfStream, Consumer<ProcessingResponse> out) {
        boolean first = !bytesSeen && !chunk.isEmpty();
        bytesSeen |= first;
        if (cut) {
            return first; // the client's body is over
        }
        for (ByteBuffer b : chunk.asReadOnlyByteBufferList()) {
            translation.feed(b);
        }
        if (!endOfStream && blocked.getAsBoolean()) {
            cut = true; // the error event is written; the translation is not ended, so nothing follows it
            ended = true;
            ProcessingResponses.responseBody(restored(taken(), true), true, out);
            return first;
        }
        if (endOfStream) {
            end();
        }
        ByteString send = restored(taken(), endOfStream);
        if (!send.isEmpty() || endOfStream) {
            ProcessingResponses.responseBody(send, endOfStream, out);
        }
        return first;
    }

    @Override
    public boolean cut() {
        return cut;
    }

    private ByteString restored(ByteString bytes, boolean last) {
        if (restorer == null) {
            return bytes;
        }
        ByteString out = restorer.next(bytes);
        return last ? out.concat(restorer.end()) : out;
    }

    @Override
    public void flush(Consumer<ProcessingResponse> out) {
        if (cut) {
            return;
        }
        end();
        ByteString rest = restored(taken(), true);
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
