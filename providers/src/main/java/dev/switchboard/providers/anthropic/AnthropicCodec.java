package dev.switchboard.providers.anthropic;

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
import java.nio.charset.StandardCharsets;

/**
 * Anthropic's Messages API ({@code /v1/messages}), as the client's API and as a backend's, in three flavors that
 * differ only in the request body and in how a Bedrock stream is framed. The field mappings are in
 * {@link AnthropicRequestEncoder}, {@code AnthropicRequestDecoder}, {@link AnthropicStreamDecoder} and the encoders.
 */
public final class AnthropicCodec implements WireCodec {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** Where the Messages API is served. */
    public enum Flavor {
        /** api.anthropic.com: {@code model} in the body. */
        NATIVE("Anthropic", null),
        /** Claude on Vertex AI (rawPredict): no {@code model} (it is in the URL), {@code anthropic_version}. */
        VERTEX("Vertex AI (Claude)", "vertex-2023-10-16"),
        /**
         * Claude on Bedrock InvokeModel: no {@code model}, no {@code stream} (the operation says it),
         * {@code anthropic_version}; streams come in AWS event-stream frames whose payloads are fed to
         * {@link AnthropicStreamDecoder#onEvent}.
         */
        BEDROCK("Bedrock (Claude)", "bedrock-2023-05-31");

        private final String label;
        private final String defaultVersion;

        Flavor(String label, String defaultVersion) {
            this.label = label;
            this.defaultVersion = defaultVersion;
        }

        /** The {@code anthropic_version} written when none is configured (null for NATIVE: it is a header there). */
        public String defaultVersion() {
            return defaultVersion;
        }
    }

    private final Flavor flavor;
    private final AnthropicRequestEncoder encoder;

    /** @param version the body's {@code anthropic_version} (VERTEX, BEDROCK), or null for the flavor's default */
    public AnthropicCodec(Flavor flavor, String version) {
        this.flavor = flavor;
        this.encoder = new AnthropicRequestEncoder(flavor, version != null ? version : flavor.defaultVersion);
    }

    public Flavor flavor() {
        return flavor;
    }

    @Override
    public ChatRequest decodeRequest(byte[] body, String pathModel) throws TranslationException {
        return AnthropicRequestDecoder.decode(body, pathModel, false);
    }

    @Override
    public byte[] encodeRequest(ChatRequest request) throws TranslationException {
        return encoder.encode(request);
    }

    /**
     * A decoder for this flavor's response. A BEDROCK stream is event-stream framed, not SSE: its decoder is
     * {@link #streamEventDecoder}, behind the event-stream layer, so asking for it here is a wiring mistake.
     */
    @Override
    public ResponseDecoder responseDecoder(boolean stream, ChatEvents out) {
        if (!stream) {
            return new AnthropicMessageDecoder(out);
        }
        if (flavor == Flavor.BEDROCK) {
            throw new UnsupportedOperationException("Bedrock streams are AWS event-stream frames: feed their "
                    + "payloads to streamEventDecoder(out).onEvent(...)");
        }
        return new AnthropicStreamDecoder(out);
    }

    /** The decoder of single stream events ({@link AnthropicStreamDecoder#onEvent}), for any framing. */
    public AnthropicStreamDecoder streamEventDecoder(ChatEvents out) {
        return new AnthropicStreamDecoder(out);
    }

    @Override
    public ChatEvents responseEncoder(boolean stream, ResponseContext context, ByteSink out) {
        return stream ? new AnthropicStreamEncoder(context, out) : new AnthropicMessageEncoder(context, out);
    }

    @Override
    public ChatError decodeError(int status, byte[] body) {
        return AnthropicErrors.decode(flavor.label, status, body);
    }

    @Override
    public byte[] encodeError(ChatError error) {
        return AnthropicErrors.encode(error);
    }

    @Override
    public String contentType(boolean stream) {
        return stream ? "text/event-stream" : "application/json";
    }

    /**
     * The body for {@code /v1/messages/count_tokens} (NATIVE) or Vertex's {@code count-tokens:rawPredict}: model,
     * system, messages, tools, tool_choice, thinking. Bedrock's CountTokens wraps an InvokeModel body instead
     * ({@link #encodeRequest}).
     */
    public byte[] countTokensRequest(ChatRequest request) throws TranslationException {
        return encoder.countTokens(request);
    }

    /** A count_tokens answer's {@code input_tokens}, or -1 when the body has none. */
    public long countTokensResponse(byte[] body) {
        try {
            JsonNode n = MAPPER.readTree(body).get("input_tokens");
            return n != null && n.isIntegralNumber() ? n.asLong() : -1;
        } catch (Exception e) {
            return -1;
        }
    }

    /** Reads a client's count_tokens request (as a Messages request, without the required max_tokens). */
    public ChatRequest decodeCountTokensRequest(byte[] body) throws TranslationException {
        return AnthropicRequestDecoder.decode(body, null, true);
    }

    /** The client's count_tokens answer, {@code {"input_tokens":N}}. */
    public byte[] countTokensResponseBody(long inputTokens) {
        return ("{\"input_tokens\":" + inputTokens + "}").getBytes(StandardCharsets.US_ASCII);
    }
}
