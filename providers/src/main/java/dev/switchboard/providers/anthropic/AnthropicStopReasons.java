package dev.switchboard.providers.anthropic;

import dev.switchboard.providers.chat.FinishReason;

/** Anthropic's {@code stop_reason} words and the chat model's {@link FinishReason}. */
final class AnthropicStopReasons {
    private AnthropicStopReasons() {}

    /** {@code refusal} is a safety stop (CONTENT_FILTER); an unknown word is read as a natural end. */
    static FinishReason decode(String stopReason) {
        return switch (stopReason) {
            case "max_tokens", "model_context_window_exceeded" -> FinishReason.MAX_TOKENS;
            case "stop_sequence" -> FinishReason.STOP_SEQUENCE;
            case "tool_use" -> FinishReason.TOOL_USE;
            case "refusal" -> FinishReason.CONTENT_FILTER;
            case "pause_turn" -> FinishReason.PAUSE;
            default -> FinishReason.END_TURN;
        };
    }

    static String encode(FinishReason reason) {
        if (reason == null) {
            return "end_turn";
        }
        return switch (reason) {
            case END_TURN -> "end_turn";
            case STOP_SEQUENCE -> "stop_sequence";
            case MAX_TOKENS -> "max_tokens";
            case TOOL_USE -> "tool_use";
            case CONTENT_FILTER -> "refusal";
            case PAUSE -> "pause_turn";
        };
    }
}
