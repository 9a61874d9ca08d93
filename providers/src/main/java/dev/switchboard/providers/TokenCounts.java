package dev.switchboard.providers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.config.ApiSchema;
import dev.switchboard.core.config.Backend;
import dev.switchboard.core.model.ApproxTokenizer;
import dev.switchboard.providers.anthropic.AnthropicCodec;
import dev.switchboard.providers.chat.ChatRequest;
import dev.switchboard.providers.chat.Message;
import dev.switchboard.providers.chat.Part;
import dev.switchboard.providers.chat.Tool;
import dev.switchboard.providers.chat.Usage;
import dev.switchboard.providers.gemini.GeminiCodec;
import dev.switchboard.providers.wire.ByteSink;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Anthropic's {@code count_tokens} and Gemini's {@code countTokens}, on any backend: the backend's own counting API
 * where it has one (Anthropic, Claude on Vertex and on Bedrock, Gemini), the answer read back into the client's
 * shape; an estimate by the gateway where it has none (OpenAI-compatible servers, Bedrock's other models), marked
 * as such in a response header.
 */
final class TokenCounts {
    /** Set on a count the gateway estimated itself (no backend counted it). */
    static final String ESTIMATED_HEADER = "x-switchboard-token-count";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final AnthropicCodec ANTHROPIC = new AnthropicCodec(AnthropicCodec.Flavor.NATIVE, null);
    private static final GeminiCodec GEMINI = new GeminiCodec();

    private TokenCounts() {}

    static UpstreamCall call(ClientApi api, Backend backend, Supplier<byte[]> body, String pathModel, String model)
            throws TranslationException {
        ApiSchema schema = backend.schema().name();
        boolean anthropicClient = api == ClientApi.ANTHROPIC_COUNT_TOKENS;
        ChatRequest request = anthropicClient ? ANTHROPIC.decodeCountTokensRequest(body.get())
                : GEMINI.decodeCountTokensRequest(body.get(), pathModel);
        request = request.withModel(model);
        Counted answer = new Counted(anthropicClient);
        return switch (schema) {
            case ANTHROPIC -> anthropicClient
                    ? new UpstreamCall(Translator.path(api, backend, model, false, null), Map.of(), null, true,
                            Translator.errorsOnly(Codecs.client(api.family()), api))
                    : call(Translator.path(ClientApi.ANTHROPIC_COUNT_TOKENS, backend, model, false, null),
                            Map.of("content-type", "application/json", "anthropic-version", Translator.ANTHROPIC_VERSION),
                            ANTHROPIC.countTokensRequest(request), answer.from("input_tokens"));
            case GCP_ANTHROPIC -> call(Translator.vertexPrefix(backend) + "/publishers/anthropic/models/count-tokens:rawPredict",
                    Map.of("content-type", "application/json"), ANTHROPIC.countTokensRequest(request),
                    answer.from("input_tokens"));
            case AWS_ANTHROPIC -> call(Translator.path(ClientApi.ANTHROPIC_COUNT_TOKENS, backend, model, false, null),
                    Map.of("content-type", "application/json"), bedrockInvokeCount(backend, request),
                    answer.from("inputTokens"));
            case GEMINI_API, GCP_VERTEX_AI -> !anthropicClient
                    ? new UpstreamCall(Translator.path(api, backend, model, false, null), Map.of(), null, false,
                            Translator.errorsOnly(Codecs.client(api.family()), api))
                    : call(Translator.path(ClientApi.GEMINI_COUNT_TOKENS, backend, model, false, null),
                            Map.of("content-type", "application/json"), geminiCount(schema, request, model),
                            answer.from("totalTokens"));
            default -> UpstreamCall.local(answer.body(estimate(request)), Map.of(ESTIMATED_HEADER, "estimated"));
        };
    }

    private static UpstreamCall call(String path, Map<String, String> headers, byte[] body,
            UpstreamCall.ResponsePlan plan) {
        return new UpstreamCall(path, headers, body, false, plan);
    }

    /** Bedrock's CountTokens takes an InvokeModel body, base64, which for Claude needs its max_tokens. */
    private static byte[] bedrockInvokeCount(Backend backend, ChatRequest request) throws TranslationException {
        ChatRequest r = request.maxTokens() != null ? request : request.withMaxTokens(1);
        byte[] invoke = new AnthropicCodec(AnthropicCodec.Flavor.BEDROCK, backend.schema().version()).encodeRequest(r);
        ObjectNode root = JSON.createObjectNode();
        root.putObject("input").putObject("invokeModel").put("body", Base64.getEncoder().encodeToString(invoke));
        return write(root);
    }

    /** The Gemini API wraps the request (naming its model); Vertex takes the request's fields as they are. */
    private static byte[] geminiCount(ApiSchema schema, ChatRequest request, String model) throws TranslationException {
        byte[] generate = GEMINI.encodeRequest(request);
        if (schema == ApiSchema.GCP_VERTEX_AI) {
            return generate;
        }
        try {
            ObjectNode inner = (ObjectNode) JSON.readTree(generate);
            inner.put("model", "models/" + model);
            ObjectNode root = JSON.createObjectNode();
            root.set("generateContentRequest", inner);
            return write(root);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The gateway's estimate: the request's text, tool definitions included, by the approximate tokenizer. */
    static long estimate(ChatRequest r) {
        StringBuilder text = new StringBuilder();
        for (Part p : r.system()) {
            append(text, p);
        }
        for (Message m : r.messages()) {
            for (Part p : m.content()) {
                append(text, p);
            }
        }
        for (Tool t : r.tools()) {
            text.append(t.name()).append(' ').append(t.description() == null ? "" : t.description()).append(' ')
                    .append(t.parameters() == null ? "" : t.parameters().toString());
        }
        return ApproxTokenizer.count(text);
    }

    private static void append(StringBuilder b, Part p) {
        switch (p) {
            case Part.Text t -> b.append(t.text()).append(' ');
            case Part.ToolCall c -> b.append(c.name()).append(' ').append(c.arguments()).append(' ');
            case Part.ToolResult r -> b.append(r.text()).append(' ');
            case Part.Thinking t -> b.append(t.text()).append(' ');
            default -> { } // images are not estimated: their cost is the provider's own formula
        }
    }

    private static byte[] write(JsonNode n) {
        try {
            return JSON.writeValueAsBytes(n);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A backend's count, read from its field and answered in the client's shape. */
    private record Counted(boolean anthropicClient) {
        byte[] body(long count) {
            return anthropicClient ? ANTHROPIC.countTokensResponseBody(count) : GEMINI.encodeCountTokensResponse(count);
        }

        UpstreamCall.ResponsePlan from(String field) {
            WireCodec client = anthropicClient ? ANTHROPIC : GEMINI;
            return (status, context) -> status / 100 != 2 ? new ErrorTranslation(status, client, client)
                    : new Reading(field);
        }

        /** Reads the whole count answer, then writes the client's. */
        private final class Reading implements ResponseTranslation {
            private final String field;
            private final ByteSink in = new ByteSink(64);
            private final ByteSink out = new ByteSink(64);

            Reading(String field) {
                this.field = field;
            }

            @Override
            public boolean streamed() {
                return false;
            }

            @Override
            public String contentType() {
                return "application/json";
            }

            @Override
            public void feed(ByteBuffer chunk) {
                if (in.size() < ErrorTranslation.MAX_ERROR_BYTES) {
                    in.write(chunk);
                }
            }

            @Override
            public void end() {
                long n = -1;
                try {
                    JsonNode v = JSON.readTree(in.toByteArray()).get(field);
                    n = v != null && v.isIntegralNumber() ? v.asLong() : -1;
                } catch (IOException e) {
                    // not a count: answered as an error below
                }
                if (n < 0) {
                    throw new IllegalStateException("the backend's token count has no '" + field + "'");
                }
                out.write(body(n));
            }

            @Override
            public ByteSink out() {
                return out;
            }

            @Override
            public Usage usage() {
                return Usage.UNKNOWN;
            }
        }
    }
}
