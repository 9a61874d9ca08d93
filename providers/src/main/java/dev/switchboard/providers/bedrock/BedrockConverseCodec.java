package dev.switchboard.providers.bedrock;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.providers.ResponseContext;
import dev.switchboard.providers.ResponseDecoder;
import dev.switchboard.providers.TranslationException;
import dev.switchboard.providers.WireCodec;
import dev.switchboard.providers.chat.ChatError;
import dev.switchboard.providers.chat.ChatEvents;
import dev.switchboard.providers.chat.ChatRequest;
import dev.switchboard.providers.wire.ByteSink;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Amazon Bedrock's Converse API ({@code POST /model/{modelId}/converse}) and ConverseStream
 * ({@code /converse-stream}, answered in {@code application/vnd.amazon.eventstream} frames). Bedrock is a backend
 * format only: no client speaks it to the gateway, so {@link #decodeRequest} and {@link #responseEncoder} serve the
 * simulator's Bedrock personality. The field mappings are in {@link ConverseRequestWriter} (requests),
 * {@link ConverseResponseReader} and {@link ConverseStreamDecoder} (answers).
 *
 * <p>Errors: Bedrock answers {@code {"message":"..."}} with the type in the {@code x-amzn-ErrorType} header, which a
 * body-only decoder does not see: the kind follows the status.
 */
public final class BedrockConverseCodec implements WireCodec {
    /** The content type of a ConverseStream answer. */
    public static final String EVENT_STREAM = "application/vnd.amazon.eventstream";

    private static final int EXCERPT = 200;

    private final ObjectMapper json = new ObjectMapper();
    private final JsonFactory factory = json.getFactory();
    private final ConverseRequestWriter writer = new ConverseRequestWriter(json);
    private final ConverseRequestReader reader = new ConverseRequestReader(json);

    /** The path of a request for {@code modelId} (URL-encoded by the caller where it holds {@code :} or {@code /}). */
    public static String path(String modelId, boolean stream) {
        return "/model/" + modelId + (stream ? "/converse-stream" : "/converse");
    }

    @Override
    public ChatRequest decodeRequest(byte[] body, String pathModel) throws TranslationException {
        return reader.read(body, pathModel);
    }

    @Override
    public byte[] encodeRequest(ChatRequest request) throws TranslationException {
        return writer.write(request);
    }

    @Override
    public ResponseDecoder responseDecoder(boolean stream, ChatEvents out) {
        return stream ? new ConverseStreamDecoder(factory, out) : new ConverseResponseReader(out);
    }

    @Override
    public ChatEvents responseEncoder(boolean stream, ResponseContext context, ByteSink out) {
        return stream ? new ConverseStreamEncoder(factory, out) : new ConverseResponseWriter(json, out);
    }

    @Override
    public ChatError decodeError(int status, byte[] body) {
        String message = null;
        try {
            JsonNode root = body == null || body.length == 0 ? null : json.readTree(body);
            if (root != null && root.isObject()) {
                JsonNode m = root.has("message") ? root.get("message") : root.get("Message");
                message = m == null || !m.isTextual() ? null : m.asText();
            }
        } catch (IOException e) {
            // not JSON (an HTML page from a proxy): the excerpt below says what came
        }
        if (message == null) {
            String text = body == null ? "" : new String(body, 0, Math.min(body.length, EXCERPT * 4),
                    StandardCharsets.UTF_8).strip();
            message = "Bedrock answered " + status + ": "
                    + (text.isEmpty() ? "(empty body)" : text.substring(0, Math.min(text.length(), EXCERPT)));
        }
        return new ChatError(status, ChatError.kindOf(status), message, null);
    }

    @Override
    public byte[] encodeError(ChatError error) {
        return json.createObjectNode().put("message", error.message()).toString().getBytes(StandardCharsets.UTF_8);
    }

    /** The {@code x-amzn-ErrorType} header value that goes with an encoded error (the simulator sets it). */
    public static String errorType(ChatError error) {
        String t = BedrockExceptions.typeOf(error.status());
        return Character.toUpperCase(t.charAt(0)) + t.substring(1);
    }

    @Override
    public String contentType(boolean stream) {
        return stream ? EVENT_STREAM : "application/json";
    }
}
