package dev.switchboard.policy.guardrails;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;

/**
 * The wire shape of one external guardrail service: where to POST, what JSON to send, how to read the answer.
 * {@link CalloutGuardrail} does the HTTP, the timeout and the failure policy.
 */
public interface CalloutAdapter {
    /** The URI and JSON body that check a prompt. */
    Call prompt(PromptText prompt);

    /** The URI and JSON body that check a model response (with the prompt it answered, when known). */
    Call response(CharSequence text);

    /** Reads a 2xx answer. */
    Finding read(JsonNode answer);

    record Call(URI uri, String json) {}

    /**
     * What the service said.
     *
     * @param flagged   whether it matched
     * @param ruleId    which of its filters matched (for the verdict and the audit line), or null
     * @param sanitized the text with matches replaced, when the service returns one, else null
     */
    record Finding(boolean flagged, String ruleId, String sanitized) {
        static final Finding CLEAN = new Finding(false, null, null);
    }
}
