package dev.switchboard.providers.wire;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.providers.ResponseDecoder;
import dev.switchboard.providers.chat.ChatError;
import dev.switchboard.providers.chat.ChatEvents;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * A non-streamed answer: its bytes kept as they arrive, read as one JSON tree at the end. The formats differ only in
 * what they read from the tree ({@link #decode}).
 */
public abstract class WholeBodyDecoder implements ResponseDecoder {
    /**
     * The largest whole answer read: far beyond any model's output (a 128k-token answer is under 1 MiB of JSON), so
     * only a broken or hostile backend reaches it, and it cannot make the gateway hold unbounded memory.
     */
    public static final int MAX_BODY_BYTES = 32 << 20;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ByteSink body = new ByteSink(4096);
    private final ChatEvents out;
    private long seen;

    /** {@code out}: where the decoded answer goes, and the error when the body is too large. */
    protected WholeBodyDecoder(ChatEvents out) {
        this.out = out;
    }

    @Override
    public final void feed(ByteBuffer chunk) {
        seen += chunk.remaining();
        if (seen <= MAX_BODY_BYTES) {
            body.write(chunk);
        }
    }

    @Override
    public final void end() {
        if (seen > MAX_BODY_BYTES) {
            out.error(new ChatError(502, ChatError.Kind.SERVER, "the backend's answer is larger than "
                    + MAX_BODY_BYTES + " bytes (" + seen + "); the gateway does not translate it", null));
            return;
        }
        JsonNode root;
        try {
            root = JSON.readTree(body.array(), 0, body.size());
        } catch (IOException e) {
            root = null;
        }
        decode(root);
    }

    /** Reads the answer; {@code root} is null when the body is not JSON at all (empty, HTML, cut). */
    protected abstract void decode(JsonNode root);
}
