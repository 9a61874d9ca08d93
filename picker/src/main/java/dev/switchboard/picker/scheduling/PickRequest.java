package dev.switchboard.picker.scheduling;

import java.util.Map;

/**
 * A request as the scheduler sees it.
 *
 * @param model      the model or LoRA adapter the request targets (after any rewrite)
 * @param prompt     the prompt text (or the JSON of the messages), for prefix affinity; may be empty
 * @param headers    request headers by lower-case name
 * @param priority   the request's objective priority (below 0 = sheddable)
 * @param attributes per-request data plugins share
 */
public record PickRequest(String model, CharSequence prompt, Map<String, String> headers, int priority,
        Attributes attributes) {
    public PickRequest {
        headers = Map.copyOf(headers);
    }

    public static PickRequest of(String model, CharSequence prompt, Map<String, String> headers, int priority) {
        return new PickRequest(model, prompt, headers, priority, new Attributes());
    }
}
