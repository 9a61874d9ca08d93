package dev.switchboard.providers.openai;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.providers.ResponseContext;
import dev.switchboard.providers.ResponseDecoder;
import dev.switchboard.providers.TranslationException;
import dev.switchboard.providers.WireCodec;
import dev.switchboard.providers.chat.ChatError;
import dev.switchboard.providers.chat.ChatEvents;
import dev.switchboard.providers.chat.ChatRequest;
import dev.switchboard.providers.wire.ByteSink;

/**
 * OpenAI's Responses API ({@code POST /v1/responses}) as a client's format, for backends without one (Anthropic,
 * Gemini, Bedrock): a backend of the OpenAI family gets a Responses request as it is, so this is never a backend
 * format. The mappings are documented where they are made: {@link ResponsesRequestReader} and
 * {@link ResponsesInputReader} (requests: what is folded, dropped, refused or passed through as an extension),
 * {@link ResponsesOutput} (the response object and its items), {@link ResponsesBodyEncoder} and
 * {@link ResponsesEventEncoder} (whole and streamed answers). Errors have Chat Completions' shape
 * ({@link OpenAiErrors}): the Responses API answers errors the same way.
 */
public final class OpenAiResponsesCodec implements WireCodec {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ResponsesRequestReader reader = new ResponsesRequestReader(JSON);
    private final OpenAiErrors errors = new OpenAiErrors(JSON);

    /** The request's model comes from its body; {@code pathModel} is not used. */
    @Override
    public ChatRequest decodeRequest(byte[] body, String pathModel) throws TranslationException {
        return reader.read(body);
    }

    /** Never called: OpenAI-family backends get Responses requests as they are. */
    @Override
    public byte[] encodeRequest(ChatRequest request) throws TranslationException {
        throw new TranslationException("the Responses API is not a backend format here; OpenAI-family backends get "
                + "Responses requests as they are", null);
    }

    /** Never called, for the same reason; a backend's Responses answer passes through. */
    @Override
    public ResponseDecoder responseDecoder(boolean stream, ChatEvents out) {
        throw new UnsupportedOperationException("the Responses API is not a backend format here");
    }

    @Override
    public ChatEvents responseEncoder(boolean stream, ResponseContext context, ByteSink out) {
        return stream ? new ResponsesEventEncoder(context, out)
                : new ResponsesBodyEncoder(JSON.getFactory(), context, out);
    }

    @Override
    public ChatError decodeError(int status, byte[] body) {
        return errors.decode(status, body);
    }

    @Override
    public byte[] encodeError(ChatError error) {
        return errors.encode(error);
    }

    @Override
    public String contentType(boolean stream) {
        return stream ? "text/event-stream" : "application/json";
    }
}
