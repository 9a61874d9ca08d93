package dev.switchboard.policy.limits;

import dev.switchboard.policy.Principal;

/**
 * What a request asks to spend.
 *
 * @param principal       who calls
 * @param model           the model it calls (after any rewrite: the name prices and model limits know)
 * @param route           the route rule's name, or null when the rule has none
 * @param promptTokens    the prompt's tokens, counted by the caller (an estimate is fine: settle corrects it)
 * @param maxOutputTokens the request's {@code max_tokens} (or {@code max_completion_tokens}), or -1 when it set none
 */
public record ReservationRequest(Principal principal, String model, String route, long promptTokens,
        long maxOutputTokens) {
    public ReservationRequest {
        if (promptTokens < 0) {
            throw new IllegalArgumentException("promptTokens must be >= 0");
        }
    }
}
