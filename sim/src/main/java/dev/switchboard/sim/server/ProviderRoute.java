package dev.switchboard.sim.server;

import dev.switchboard.providers.WireCodec;
import dev.switchboard.providers.anthropic.AnthropicCodec;
import dev.switchboard.providers.bedrock.BedrockConverseCodec;
import dev.switchboard.providers.gemini.GeminiCodec;
import dev.switchboard.providers.gemini.GeminiPath;
import dev.switchboard.providers.openai.OpenAiChatCodec;
import dev.switchboard.sim.SimApi;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/**
 * A request path of a provider personality: which endpoint it is and the model the path names (null when the body
 * names it). Matched for every path, served or not, so that a path of a personality an endpoint does not serve is
 * still answered in that provider's 404 shape.
 *
 * @param endpoint  the provider endpoint
 * @param pathModel the model in the path (Vertex, Gemini, Bedrock), URL-decoded; or null
 */
record ProviderRoute(Endpoint endpoint, String pathModel) {
    private static final AnthropicCodec ANTHROPIC_CODEC = new AnthropicCodec(AnthropicCodec.Flavor.NATIVE, null);
    private static final AnthropicCodec VERTEX_CLAUDE_CODEC = new AnthropicCodec(AnthropicCodec.Flavor.VERTEX, null);
    private static final AnthropicCodec BEDROCK_CLAUDE_CODEC = new AnthropicCodec(AnthropicCodec.Flavor.BEDROCK, null);
    private static final GeminiCodec GEMINI_CODEC = new GeminiCodec();
    private static final BedrockConverseCodec CONVERSE_CODEC = new BedrockConverseCodec();
    private static final OpenAiChatCodec OPENAI_CHAT_CODEC = new OpenAiChatCodec();

    /** Whose error body a route answers with: the provider's own. */
    enum ErrorShape { ANTHROPIC, GEMINI, AWS, OPENAI }

    /** What a route does. */
    enum Operation { GENERATE, COUNT_TOKENS, UNKNOWN }

    /**
     * The provider endpoints.
     * {@code stream} is TRUE or FALSE when the path says it, null when the body's {@code stream} does.
     */
    enum Endpoint {
        MESSAGES(SimApi.ANTHROPIC, Operation.GENERATE, ANTHROPIC_CODEC, ErrorShape.ANTHROPIC, null),
        MESSAGES_COUNT_TOKENS(SimApi.ANTHROPIC, Operation.COUNT_TOKENS, ANTHROPIC_CODEC, ErrorShape.ANTHROPIC, false),
        VERTEX_RAW_PREDICT(SimApi.ANTHROPIC, Operation.GENERATE, VERTEX_CLAUDE_CODEC, ErrorShape.ANTHROPIC, null),
        VERTEX_STREAM_RAW_PREDICT(SimApi.ANTHROPIC, Operation.GENERATE, VERTEX_CLAUDE_CODEC, ErrorShape.ANTHROPIC, true),
        /** Claude on Bedrock: an Anthropic body and answer; errors in Bedrock's shape, as AWS answers them. */
        BEDROCK_INVOKE(SimApi.ANTHROPIC, Operation.GENERATE, BEDROCK_CLAUDE_CODEC, ErrorShape.AWS, false),
        /** Claude on Bedrock, streamed: each Anthropic event in an event-stream {@code chunk} frame. */
        BEDROCK_INVOKE_STREAM(SimApi.ANTHROPIC, Operation.GENERATE, BEDROCK_CLAUDE_CODEC, ErrorShape.AWS, true),
        GEMINI_GENERATE(SimApi.GEMINI, Operation.GENERATE, GEMINI_CODEC, ErrorShape.GEMINI, false),
        GEMINI_STREAM_GENERATE(SimApi.GEMINI, Operation.GENERATE, GEMINI_CODEC, ErrorShape.GEMINI, true),
        GEMINI_COUNT_TOKENS(SimApi.GEMINI, Operation.COUNT_TOKENS, GEMINI_CODEC, ErrorShape.GEMINI, false),
        GEMINI_UNKNOWN(SimApi.GEMINI, Operation.UNKNOWN, GEMINI_CODEC, ErrorShape.GEMINI, false),
        CONVERSE(SimApi.BEDROCK, Operation.GENERATE, CONVERSE_CODEC, ErrorShape.AWS, false),
        CONVERSE_STREAM(SimApi.BEDROCK, Operation.GENERATE, CONVERSE_CODEC, ErrorShape.AWS, true),
        AWS_UNKNOWN(SimApi.BEDROCK, Operation.UNKNOWN, CONVERSE_CODEC, ErrorShape.AWS, false),
        /**
         * An OpenAI chat request that offers tools: answered through the codec like the other personalities, so it
         * gets the same deterministic tool call ({@link ToolAnswer}); other chat requests take the faster
         * hand-written path.
         */
        OPENAI_CHAT_TOOLS(SimApi.OPENAI, Operation.GENERATE, OPENAI_CHAT_CODEC, ErrorShape.OPENAI, null);

        final SimApi api;
        final Operation operation;
        final WireCodec codec;
        final ErrorShape errors;
        final Boolean stream;

        Endpoint(SimApi api, Operation operation, WireCodec codec, ErrorShape errors, Boolean stream) {
            this.api = api;
            this.operation = operation;
            this.codec = codec;
            this.errors = errors;
            this.stream = stream;
        }

        /** The codec whose {@code encodeError} writes this endpoint's errors. */
        WireCodec errorCodec() {
            return errors == ErrorShape.AWS ? CONVERSE_CODEC : codec;
        }
    }

    /** The route of {@code path} (no query string), or null when it is no provider's path. */
    static ProviderRoute match(String path) {
        switch (path) {
            case "/v1/messages" -> {
                return new ProviderRoute(Endpoint.MESSAGES, null);
            }
            case "/v1/messages/count_tokens" -> {
                return new ProviderRoute(Endpoint.MESSAGES_COUNT_TOKENS, null);
            }
            default -> { }
        }
        if (path.startsWith("/model/")) {
            return bedrock(path.substring("/model/".length()));
        }
        if (path.startsWith("/v1/projects/") && path.contains("/publishers/anthropic/models/")) {
            return vertexClaude(path);
        }
        GeminiPath gemini = GeminiPath.parse(path);
        if (gemini != null) {
            return new ProviderRoute(switch (gemini.method()) {
                case "generateContent" -> Endpoint.GEMINI_GENERATE;
                case "streamGenerateContent" -> Endpoint.GEMINI_STREAM_GENERATE;
                case "countTokens" -> Endpoint.GEMINI_COUNT_TOKENS;
                default -> Endpoint.GEMINI_UNKNOWN;
            }, gemini.model());
        }
        if (path.startsWith("/v1beta/") || path.startsWith("/v1/projects/")) {
            return new ProviderRoute(Endpoint.GEMINI_UNKNOWN, null);
        }
        return null;
    }

    /** {@code {id}/{operation}}; the id may hold encoded {@code :} and {@code /} (an ARN). */
    private static ProviderRoute bedrock(String rest) {
        int slash = rest.lastIndexOf('/');
        if (slash <= 0) {
            return new ProviderRoute(Endpoint.AWS_UNKNOWN, null);
        }
        String id = URLDecoder.decode(rest.substring(0, slash).replace("+", "%2B"), StandardCharsets.UTF_8);
        return new ProviderRoute(switch (rest.substring(slash + 1)) {
            case "invoke" -> Endpoint.BEDROCK_INVOKE;
            case "invoke-with-response-stream" -> Endpoint.BEDROCK_INVOKE_STREAM;
            case "converse" -> Endpoint.CONVERSE;
            case "converse-stream" -> Endpoint.CONVERSE_STREAM;
            default -> Endpoint.AWS_UNKNOWN;
        }, id);
    }

    /** {@code /v1/projects/{p}/locations/{r}/publishers/anthropic/models/{m}:rawPredict|:streamRawPredict}. */
    private static ProviderRoute vertexClaude(String path) {
        String rest = path.substring(path.indexOf("/publishers/anthropic/models/") + "/publishers/anthropic/models/".length());
        int colon = rest.lastIndexOf(':');
        if (colon <= 0) {
            return new ProviderRoute(Endpoint.GEMINI_UNKNOWN, null); // Vertex AI answers in Google's error shape
        }
        String model = URLDecoder.decode(rest.substring(0, colon).replace("+", "%2B"), StandardCharsets.UTF_8);
        return switch (rest.substring(colon + 1)) {
            case "rawPredict" -> new ProviderRoute(Endpoint.VERTEX_RAW_PREDICT, model);
            case "streamRawPredict" -> new ProviderRoute(Endpoint.VERTEX_STREAM_RAW_PREDICT, model);
            default -> new ProviderRoute(Endpoint.GEMINI_UNKNOWN, null);
        };
    }
}
