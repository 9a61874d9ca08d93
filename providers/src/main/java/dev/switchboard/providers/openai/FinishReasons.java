package dev.switchboard.providers.openai;

import dev.switchboard.providers.chat.FinishReason;

/** OpenAI's {@code finish_reason} words, both ways. */
final class FinishReasons {
    private FinishReasons() {}

    /**
     * The reason for OpenAI's word. {@code function_call} is the deprecated spelling of {@code tool_calls}; a word not
     * known here (vLLM's {@code abort}, a server's own) reads as a natural end rather than failing the response.
     */
    static FinishReason fromOpenAi(String word) {
        return switch (word) {
            case "length" -> FinishReason.MAX_TOKENS;
            case "tool_calls", "function_call" -> FinishReason.TOOL_USE;
            case "content_filter" -> FinishReason.CONTENT_FILTER;
            default -> FinishReason.END_TURN;
        };
    }

    /**
     * OpenAI's word for the reason. OpenAI does not tell a stop sequence from a natural end ({@code stop} for both);
     * a paused turn is {@code length}, the word that tells an OpenAI client the answer is incomplete and may be
     * continued.
     */
    static String toOpenAi(FinishReason reason) {
        return switch (reason) {
            case END_TURN, STOP_SEQUENCE -> "stop";
            case MAX_TOKENS, PAUSE -> "length";
            case TOOL_USE -> "tool_calls";
            case CONTENT_FILTER -> "content_filter";
        };
    }
}
