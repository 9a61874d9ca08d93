package dev.switchboard.providers.chat;

/**
 * Why the model stopped, in no provider's words. Each codec maps its own: OpenAI {@code stop/length/tool_calls/
 * content_filter}, Anthropic {@code end_turn/max_tokens/stop_sequence/tool_use/refusal/pause_turn}, Gemini
 * {@code STOP/MAX_TOKENS/SAFETY/RECITATION/…}, Bedrock {@code end_turn/max_tokens/stop_sequence/tool_use/
 * guardrail_intervened/content_filtered}.
 */
public enum FinishReason {
    /** A natural end of the turn. */
    END_TURN,
    /** One of the request's stop sequences was generated. */
    STOP_SEQUENCE,
    /** The output token limit. */
    MAX_TOKENS,
    /** The model called tools and waits for their results. */
    TOOL_USE,
    /** A safety filter or guardrail stopped or refused it. */
    CONTENT_FILTER,
    /** The provider paused a long turn (Anthropic {@code pause_turn}); the client may continue it. */
    PAUSE
}
