package dev.switchboard.providers;

import dev.switchboard.providers.chat.ChatError;
import dev.switchboard.providers.chat.ChatEvents;
import dev.switchboard.providers.chat.ChatRequest;
import dev.switchboard.providers.wire.ByteSink;

/**
 * One provider wire format's chat API, both ways: as the client's API (decode its requests, encode its responses and
 * errors) and as a backend's (encode requests, decode responses and errors). Stateless and thread-safe; the decoders
 * and encoders it creates are per response and single-threaded.
 */
public interface WireCodec {

    /**
     * Reads a client's request body.
     *
     * @param pathModel the model named in the path (Gemini's {@code models/{model}:generateContent}), or null when
     *                  the body names it
     */
    ChatRequest decodeRequest(byte[] body, String pathModel) throws TranslationException;

    /** The body to send a backend of this format (the model is {@code request.model()}). */
    byte[] encodeRequest(ChatRequest request) throws TranslationException;

    /** Decodes a backend's 2xx response (the whole body, or the stream as it arrives) into {@code out}. */
    ResponseDecoder responseDecoder(boolean stream, ChatEvents out);

    /**
     * Encodes events as this format's client response into {@code out}: a stream event by event, or (not streamed)
     * the whole body at {@link ChatEvents#end()}.
     */
    ChatEvents responseEncoder(boolean stream, ResponseContext context, ByteSink out);

    /** Reads a backend's error body (any non-2xx; the body may be empty, HTML, or not this format at all). */
    ChatError decodeError(int status, byte[] body);

    /** The client's error body for {@code error} (the status is {@code error.status()}). */
    byte[] encodeError(ChatError error);

    /** The content type of this format's responses: streamed and not. */
    String contentType(boolean stream);
}
