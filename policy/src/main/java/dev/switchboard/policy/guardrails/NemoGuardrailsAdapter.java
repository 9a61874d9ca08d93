package dev.switchboard.policy.guardrails;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.util.Locale;

/**
 * NVIDIA NeMo Guardrails' server ({@code nemoguardrails server}): its checks endpoint runs a configuration's input
 * rails (for user messages) or output rails (for assistant messages) without generating anything.
 * {@code POST {endpoint}/v1/checks} with {@code {"model": ..., "messages": [{"role", "content"}],
 * "guardrails": {"config_id": ...}}}; the answer is {@code {"status": "passed" | "modified" | "blocked",
 * "content": ..., "rail": ...}}. "blocked" is a match named by its rail ({@code nemo/self check input}); "modified"
 * is a match with the rails' rewritten content as the sanitized text.
 */
public final class NemoGuardrailsAdapter implements CalloutAdapter {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final URI endpoint;
    private final String configId;
    private final String model;

    /** @param model passed through for self-check rails, which ask a main model; may be null */
    public NemoGuardrailsAdapter(URI endpoint, String configId, String model) {
        this.endpoint = endpoint;
        this.configId = configId;
        this.model = model;
    }

    @Override
    public Call prompt(PromptText prompt) {
        ObjectNode body = body();
        ArrayNode messages = body.putArray("messages");
        for (PromptText.Segment s : prompt.segments()) {
            messages.addObject().put("role", s.role().name().toLowerCase(Locale.ROOT)).put("content", s.text());
        }
        return new Call(uri(), body.toString());
    }

    @Override
    public Call response(CharSequence text) {
        ObjectNode body = body();
        body.putArray("messages").addObject().put("role", "assistant").put("content", text.toString());
        return new Call(uri(), body.toString());
    }

    private ObjectNode body() {
        ObjectNode body = JSON.createObjectNode();
        if (model != null) {
            body.put("model", model);
        }
        body.putObject("guardrails").put("config_id", configId);
        return body;
    }

    private URI uri() {
        return URI.create(endpoint.toString().replaceAll("/+$", "") + "/v1/checks");
    }

    @Override
    public Finding read(JsonNode answer) {
        String status = answer.path("status").asText("");
        String rail = answer.path("rail").isTextual() ? answer.path("rail").asText() : "rails";
        return switch (status) {
            case "blocked" -> new Finding(true, "nemo/" + rail, null);
            case "modified" -> new Finding(true, "nemo/" + rail, answer.path("content").asText(null));
            case "passed", "success" -> Finding.CLEAN;
            default -> throw new IllegalStateException("unexpected status from NeMo Guardrails: '" + status + "'");
        };
    }
}
