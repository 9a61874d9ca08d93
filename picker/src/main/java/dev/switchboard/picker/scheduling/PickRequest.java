package dev.switchboard.picker.scheduling;

import java.util.Map;

/**
 * A request as the scheduler sees it.
 *
 * @param model        the model or LoRA adapter the request targets (after any rewrite)
 * @param prompt       the prompt text (or the JSON of the messages), for prefix affinity; may be empty, and may be
 *                     only the leading part of a long prompt
 * @param promptTokens the whole prompt's length in tokens, estimated
 * @param headers      request headers by lower-case name
 * @param priority     the request's objective priority (below 0 = sheddable)
 * @param attributes   per-request data plugins share
 */
public record PickRequest(String model, CharSequence prompt, long promptTokens, Map<String, String> headers,
        int priority, Attributes attributes) {
    /** Characters per token when only text is known (the reference EPP's estimate). */
    public static final int CHARS_PER_TOKEN = 4;

    public PickRequest {
        headers = Map.copyOf(headers);
    }

    /** A request whose whole prompt is {@code prompt}. */
    public static PickRequest of(String model, CharSequence prompt, Map<String, String> headers, int priority) {
        return of(model, prompt, (prompt.length() + CHARS_PER_TOKEN - 1) / CHARS_PER_TOKEN, headers, priority);
    }

    public static PickRequest of(String model, CharSequence prompt, long promptTokens, Map<String, String> headers,
            int priority) {
        return new PickRequest(model, prompt, promptTokens, headers, priority, new Attributes());
    }
}
