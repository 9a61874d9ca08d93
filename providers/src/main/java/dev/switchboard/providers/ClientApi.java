package dev.switchboard.providers;

import dev.switchboard.core.config.ApiSchema;

/** The APIs a client may call, each in one wire family's format. */
public enum ClientApi {
    OPENAI_CHAT(ApiSchema.Family.OPENAI, "/chat/completions"),
    OPENAI_COMPLETIONS(ApiSchema.Family.OPENAI, "/completions"),
    OPENAI_EMBEDDINGS(ApiSchema.Family.OPENAI, "/embeddings"),
    OPENAI_RESPONSES(ApiSchema.Family.OPENAI, "/responses"),
    ANTHROPIC_MESSAGES(ApiSchema.Family.ANTHROPIC, "/messages"),
    ANTHROPIC_COUNT_TOKENS(ApiSchema.Family.ANTHROPIC, "/messages/count_tokens"),
    GEMINI_GENERATE(ApiSchema.Family.GEMINI, "generateContent"),
    GEMINI_STREAM_GENERATE(ApiSchema.Family.GEMINI, "streamGenerateContent"),
    GEMINI_COUNT_TOKENS(ApiSchema.Family.GEMINI, "countTokens");

    private final ApiSchema.Family family;
    private final String suffix;

    ClientApi(ApiSchema.Family family, String suffix) {
        this.family = family;
        this.suffix = suffix;
    }

    /** The wire format of this API's bodies. */
    public ApiSchema.Family family() {
        return family;
    }

    /** The path after the schema's prefix (OpenAI, Anthropic), or the method after the model (Gemini). */
    public String suffix() {
        return suffix;
    }

    /**
     * Whether this API generates (chat-like), so that a request to it can be translated to any family. The Responses
     * API is: for a backend of another family it is translated through the chat model (stateless: the client sends
     * the whole conversation).
     */
    public boolean isChat() {
        return this == OPENAI_CHAT || this == OPENAI_RESPONSES || this == ANTHROPIC_MESSAGES || this == GEMINI_GENERATE
                || this == GEMINI_STREAM_GENERATE;
    }

    /** The chat API of a backend family (null for Bedrock, whose paths name no API of ours). */
    public static ClientApi chatOf(ApiSchema.Family family, boolean stream) {
        return switch (family) {
            case OPENAI -> OPENAI_CHAT;
            case ANTHROPIC -> ANTHROPIC_MESSAGES;
            case GEMINI -> stream ? GEMINI_STREAM_GENERATE : GEMINI_GENERATE;
            case BEDROCK -> null;
        };
    }

    public boolean countsTokens() {
        return this == ANTHROPIC_COUNT_TOKENS || this == GEMINI_COUNT_TOKENS;
    }
}
