package dev.switchboard.policy.guardrails;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.util.Iterator;
import java.util.Map;

/**
 * Google Cloud Model Armor: {@code POST {endpoint}/v1/{template}:sanitizeUserPrompt} with
 * {@code {"userPromptData": {"text": ...}}}, and {@code :sanitizeModelResponse} with
 * {@code {"modelResponseData": {"text": ...}}}. The answer is {@code {"sanitizationResult": {"filterMatchState":
 * "MATCH_FOUND" | "NO_MATCH_FOUND", "filterResults": {"<filter>": {"<kind>FilterResult": {"matchState": ...}}},
 * "invocationResult": "SUCCESS"}}}; the first filter with {@code MATCH_FOUND} names the rule
 * ({@code model-armor/pi_and_jailbreak}), and a Sensitive Data Protection de-identification
 * ({@code sdpFilterResult.deidentifyResult.data.text}) is the sanitized text. The endpoint is regional
 * ({@code https://modelarmor.us-central1.rep.googleapis.com}); the template is its full resource name
 * ({@code projects/P/locations/L/templates/T}). Authentication (an OAuth access token) is the caller's
 * {@link CalloutGuardrail} header supplier.
 */
public final class ModelArmorAdapter implements CalloutAdapter {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final URI endpoint;
    private final String template;

    public ModelArmorAdapter(URI endpoint, String template) {
        this.endpoint = endpoint;
        this.template = template;
    }

    @Override
    public Call prompt(PromptText prompt) {
        ObjectNode body = JSON.createObjectNode();
        body.putObject("userPromptData").put("text", CalloutGuardrail.joined(prompt));
        return new Call(uri("sanitizeUserPrompt"), body.toString());
    }

    @Override
    public Call response(CharSequence text) {
        ObjectNode body = JSON.createObjectNode();
        body.putObject("modelResponseData").put("text", text.toString());
        return new Call(uri("sanitizeModelResponse"), body.toString());
    }

    private URI uri(String method) {
        String base = endpoint.toString().replaceAll("/+$", "");
        return URI.create(base + "/v1/" + template + ":" + method);
    }

    @Override
    public Finding read(JsonNode answer) {
        JsonNode result = answer.path("sanitizationResult");
        if (!"MATCH_FOUND".equals(result.path("filterMatchState").asText())) {
            return Finding.CLEAN;
        }
        String rule = null;
        String sanitized = null;
        for (Iterator<Map.Entry<String, JsonNode>> it = result.path("filterResults").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> filter = it.next();
            for (Iterator<JsonNode> kinds = filter.getValue().elements(); kinds.hasNext(); ) {
                JsonNode kind = kinds.next();
                boolean matched = "MATCH_FOUND".equals(kind.path("matchState").asText())
                        || "MATCH_FOUND".equals(kind.path("inspectResult").path("matchState").asText());
                if (matched && rule == null) {
                    rule = filter.getKey();
                }
                JsonNode text = kind.path("deidentifyResult").path("data").path("text");
                if (text.isTextual()) {
                    sanitized = text.asText();
                }
            }
        }
        return new Finding(true, "model-armor/" + (rule == null ? "match" : rule), sanitized);
    }
}
