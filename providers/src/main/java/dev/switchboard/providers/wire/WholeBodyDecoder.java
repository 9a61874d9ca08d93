package dev.switchboard.providers.wire;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.providers.ResponseDecoder;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * A non-streamed answer: its bytes kept as they arrive, read as one JSON tree at the end. The formats differ only in
 * what they read from the tree ({@link #decode}).
 */
public abstract class WholeBodyDecoder implements ResponseDecoder {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ByteSink body = new ByteSink(4096);

    @Override
    public final void feed(ByteBuffer chunk) {
        body.write(chunk);
    }

    @Override
    public final void end() {
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
