package dev.switchboard.providers.gemini;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.switchboard.providers.ResponseContext;
import dev.switchboard.providers.ResponseDecoder;
import dev.switchboard.providers.TranslationException;
import dev.switchboard.providers.WireCodec;
import dev.switchboard.providers.chat.ChatError;
import dev.switchboard.providers.chat.ChatEvents;
import dev.switchboard.providers.chat.ChatRequest;
import dev.switchboard.providers.wire.ByteSink;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Google's Gemini {@code generateContent} API, the same body for the Gemini API (AI Studio) and for Vertex AI's
 * {@code publishers/google} models: as a client's API ({@code /v1beta/models/{model}:generateContent},
 * {@code :streamGenerateContent?alt=sse}, {@code :countTokens}; see {@link GeminiPath}) and as a backend's. Streams
 * are server-sent events whose every {@code data:} is a whole {@code GenerateContentResponse} holding the next piece,
 * with no final sentinel: the chunk with {@code finishReason} (and {@code usageMetadata}) is the last.
 *
 * <p>The field mappings are documented where they are done: {@link GeminiRequestReader},
 * {@link GeminiRequestWriter}, {@link GeminiResponseDecoder}, {@link GeminiResponseEncoder}, {@link GeminiErrors}.
 */
public final class GeminiCodec implements WireCodec {
    private static final JsonFactory JSON = new JsonFactory();

    /** Whether its client streams are Google's JSON array (no {@code alt=sse}) instead of SSE. */
    private final boolean arrayStreams;

    public GeminiCodec() {
        this(false);
    }

    /** @param arrayStreams true for a client that called {@code streamGenerateContent} without {@code alt=sse} */
    public GeminiCodec(boolean arrayStreams) {
        this.arrayStreams = arrayStreams;
    }

    /** {@inheritDoc} The stream flag is not in a Gemini body: {@code pathModel}'s method says it; use the overload. */
    @Override
    public ChatRequest decodeRequest(byte[] body, String pathModel) throws TranslationException {
        return decodeRequest(body, pathModel, false);
    }

    /** A client's {@code generateContent} ({@code stream} false) or {@code streamGenerateContent} body. */
    public ChatRequest decodeRequest(byte[] body, String pathModel, boolean stream) throws TranslationException {
        return GeminiRequestReader.read(body, pathModel, stream);
    }

    /** A client's {@code countTokens} body ({@code {contents}} or {@code {generateContentRequest}}) as a request. */
    public ChatRequest decodeCountTokensRequest(byte[] body, String pathModel) throws TranslationException {
        return GeminiRequestReader.readCountTokens(body, pathModel);
    }

    /** The {@code countTokens} answer: {@code {"totalTokens": N}}. */
    public byte[] encodeCountTokensResponse(long totalTokens) {
        ByteSink out = new ByteSink(32);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeNumberField("totalTokens", totalTokens);
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    @Override
    public byte[] encodeRequest(ChatRequest request) throws TranslationException {
        return GeminiRequestWriter.write(request);
    }

    @Override
    public ResponseDecoder responseDecoder(boolean stream, ChatEvents out) {
        return new GeminiResponseDecoder(stream, out);
    }

    @Override
    public ChatEvents responseEncoder(boolean stream, ResponseContext context, ByteSink out) {
        return new GeminiResponseEncoder(stream, arrayStreams, context, out);
    }

    @Override
    public ChatError decodeError(int status, byte[] body) {
        return GeminiErrors.decode(status, body);
    }

    @Override
    public byte[] encodeError(ChatError error) {
        ByteSink out = new ByteSink(128);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            GeminiErrors.write(g, error);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    @Override
    public String contentType(boolean stream) {
        return stream && !arrayStreams ? "text/event-stream" : "application/json";
    }
}
