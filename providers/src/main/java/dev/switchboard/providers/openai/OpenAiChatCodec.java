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
 * OpenAI's Chat Completions API ({@code POST /v1/chat/completions}), as the client's format and as a backend's (OpenAI
 * itself, and vLLM, SGLang, Ollama and the other servers that speak it). The mappings are documented where they are
 * made: {@link OpenAiRequestReader} (client requests: what is folded, dropped, refused or passed through as an
 * extension), {@link OpenAiRequestWriter} (backend requests), {@link OpenAiChunkDecoder} and {@link OpenAiBodyDecoder}
 * (backend answers), {@link OpenAiChunkEncoder} and {@link OpenAiBodyEncoder} (client answers), {@link OpenAiErrors}.
 */
public final class OpenAiChatCodec implements WireCodec {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final OpenAiRequestReader reader = new OpenAiRequestReader(JSON);
    private final OpenAiRequestWriter writer = new OpenAiRequestWriter(JSON);
    private final OpenAiErrors errors = new OpenAiErrors(JSON);

    /** The request's model comes from its body; {@code pathModel} is not used (OpenAI has no model in its path). */
    @Override
    public ChatRequest decodeRequest(byte[] body, String pathModel) throws TranslationException {
        return reader.read(body);
    }

    @Override
    public byte[] encodeRequest(ChatRequest request) throws TranslationException {
        return writer.write(request);
    }

    @Override
    public ResponseDecoder responseDecoder(boolean stream, ChatEvents out) {
        return stream ? new OpenAiChunkDecoder(JSON.getFactory(), out) : new OpenAiBodyDecoder(out);
    }

    @Override
    public ChatEvents responseEncoder(boolean stream, ResponseContext context, ByteSink out) {
        return stream ? new OpenAiChunkEncoder(context, out) : new OpenAiBodyEncoder(JSON.getFactory(), context, out);
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
