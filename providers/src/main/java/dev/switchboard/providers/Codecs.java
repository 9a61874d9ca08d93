package dev.switchboard.providers;

import dev.switchboard.core.config.ApiSchema;
import dev.switchboard.core.config.Backend;
import dev.switchboard.providers.anthropic.AnthropicCodec;
import dev.switchboard.providers.bedrock.BedrockConverseCodec;
import dev.switchboard.providers.gemini.GeminiCodec;
import dev.switchboard.providers.openai.OpenAiChatCodec;
import dev.switchboard.providers.openai.OpenAiResponsesCodec;

/** The codec of each wire family, as the client's format and as a backend's. Codecs are stateless: one each. */
final class Codecs {
    private static final OpenAiChatCodec OPENAI = new OpenAiChatCodec();
    private static final OpenAiResponsesCodec OPENAI_RESPONSES = new OpenAiResponsesCodec();
    private static final AnthropicCodec ANTHROPIC = new AnthropicCodec(AnthropicCodec.Flavor.NATIVE, null);
    private static final GeminiCodec GEMINI = new GeminiCodec();
    private static final GeminiCodec GEMINI_ARRAY = new GeminiCodec(true);
    private static final BedrockConverseCodec BEDROCK = new BedrockConverseCodec();

    private Codecs() {}

    /** The codec of the API the client called: its family's, but the Responses API's own for it. */
    static WireCodec client(ClientApi api) throws TranslationException {
        return api == ClientApi.OPENAI_RESPONSES ? OPENAI_RESPONSES : client(api.family());
    }

    /** A client of {@code api} that sent {@code query}: a Gemini stream without {@code alt=sse} is a JSON array. */
    static WireCodec client(ClientApi api, String query) throws TranslationException {
        if (api == ClientApi.GEMINI_STREAM_GENERATE && (query == null || !query.contains("alt=sse"))) {
            return GEMINI_ARRAY;
        }
        return client(api);
    }

    static WireCodec client(ApiSchema.Family family) throws TranslationException {
        return switch (family) {
            case OPENAI -> openai();
            case ANTHROPIC -> ANTHROPIC;
            case GEMINI -> GEMINI;
            case BEDROCK -> throw new TranslationException("no client speaks Bedrock's Converse API", null);
        };
    }

    static WireCodec backend(Backend.Schema schema) throws TranslationException {
        return switch (schema.name()) {
            case OPENAI, AZURE_OPENAI, AWS_OPENAI -> openai();
            case ANTHROPIC -> ANTHROPIC;
            case GCP_ANTHROPIC -> new AnthropicCodec(AnthropicCodec.Flavor.VERTEX, schema.version());
            case AWS_ANTHROPIC -> new ClaudeOnBedrock(schema.version());
            case GEMINI_API, GCP_VERTEX_AI -> GEMINI;
            case AWS_BEDROCK -> BEDROCK;
        };
    }

    private static WireCodec openai() {
        return OPENAI;
    }
}
