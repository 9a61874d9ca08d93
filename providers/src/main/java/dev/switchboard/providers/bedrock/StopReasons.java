package dev.switchboard.providers.bedrock;

import dev.switchboard.providers.chat.FinishReason;

/** Converse's {@code stopReason} words, both ways. */
final class StopReasons {
    private StopReasons() {}

    /**
     * {@code model_context_window_exceeded} counts as the token limit (the answer was cut); {@code malformed_*}
     * and unknown words as a natural end (the content says what happened).
     */
    static FinishReason of(String stopReason) {
        if (stopReason == null) {
            return FinishReason.END_TURN;
        }
        return switch (stopReason) {
            case "tool_use" -> FinishReason.TOOL_USE;
            case "max_tokens", "model_context_window_exceeded" -> FinishReason.MAX_TOKENS;
            case "stop_sequence" -> FinishReason.STOP_SEQUENCE;
            case "guardrail_intervened", "content_filtered" -> FinishReason.CONTENT_FILTER;
            default -> FinishReason.END_TURN;
        };
    }

    /** A pause has no Converse word: it is a turn's end there. */
    static String of(FinishReason reason) {
        return switch (reason) {
            case TOOL_USE -> "tool_use";
            case MAX_TOKENS -> "max_tokens";
            case STOP_SEQUENCE -> "stop_sequence";
            case CONTENT_FILTER -> "content_filtered";
            case END_TURN, PAUSE -> "end_turn";
        };
    }
}
