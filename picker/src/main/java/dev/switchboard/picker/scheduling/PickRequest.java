package dev.switchboard.picker.scheduling;

import java.util.Map;

/**
 * A request as the scheduler sees it.
 *
 * @param model    the model or LoRA adapter the request targets (after any rewrite)
 * @param prompt   the prompt text (or the JSON of the messages), for prefix affinity; may be empty
 * @param headers  request headers by lower-case name
 * @param priority the request's objective priority (below 0 = sheddable)
 */
public record PickRequest(String model, CharSequence prompt, Map<String, String> headers, int priority) {
    public PickRequest {
        headers = Map.copyOf(headers);
    }
}
