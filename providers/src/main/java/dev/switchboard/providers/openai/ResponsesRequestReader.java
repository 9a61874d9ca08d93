package dev.switchboard.providers.openai;

import static dev.switchboard.providers.openai.JsonFields.bool;
import static dev.switchboard.providers.openai.JsonFields.integer;
import static dev.switchboard.providers.openai.JsonFields.number;
import static dev.switchboard.providers.openai.JsonFields.required;
import static dev.switchboard.providers.openai.JsonFields.text;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.providers.TranslationException;
import dev.switchboard.providers.chat.ChatRequest;
import dev.switchboard.providers.chat.Message;
import dev.switchboard.providers.chat.Part;
import dev.switchboard.providers.chat.ResponseFormat;
import dev.switchboard.providers.chat.Tool;
import dev.switchboard.providers.wire.JsonBodies;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads a Responses API request ({@code POST /v1/responses}) into a {@link ChatRequest}, for a backend without a
 * Responses API (Anthropic, Gemini, Bedrock). {@link ResponsesInputReader} reads {@code input}.
 *
 * <p>Mapping where it is not obvious:
 * <ul>
 *   <li>{@code instructions} is the first system part; system and developer messages of {@code input} follow it.</li>
 *   <li>{@code max_output_tokens} → maxTokens; {@code text.format} → {@link ResponseFormat} (flat: {@code name},
 *       {@code schema}, {@code strict}); {@code reasoning.effort} → {@link ChatRequest.Thinking} with that effort
 *       ({@code none} → no thinking); {@code safety_identifier} is the user when {@code user} is absent.</li>
 *   <li>{@code text.verbosity} goes to {@link ChatRequest#extensions()} as {@code verbosity} (the Chat Completions
 *       name), like every field not known here: the backend's encoder decides.</li>
 *   <li>Dropped as harmless to the answer: {@code store} (the gateway stores nothing; a later
 *       {@code previous_response_id} is refused), {@code metadata}, {@code service_tier}, {@code prompt_cache_key},
 *       {@code prompt_cache_retention}, {@code stream_options}, {@code max_tool_calls} (it bounds built-in tools,
 *       which are refused), {@code include} other than logprobs (its values ask for built-in tools' details; a
 *       reasoning item's signature is always sent as {@code encrypted_content}), {@code reasoning.summary} (the
 *       backend's visible thinking is the summary), {@code truncation} (with {@code auto}, an input too long for the
 *       context gets the backend's error instead of being cut), {@code top_logprobs: 0}.</li>
 *   <li>Refused (they need state the gateway does not keep, or change the answer and no other format has them):
 *       {@code previous_response_id} and {@code conversation} (send the whole conversation in {@code input}),
 *       {@code background: true}, {@code prompt} (a stored prompt template), {@code top_logprobs} > 0 and
 *       {@code include: ["message.output_text.logprobs"]}, tools that are not functions (web_search, file_search,
 *       code_interpreter, computer_use_preview, mcp, image_generation…), a tool_choice that names one of them or an
 *       {@code allowed_tools} list.</li>
 * </ul>
 */
final class ResponsesRequestReader {
    /** The fields read into ChatRequest's own fields, or refused: they never reach extensions. */
    private static final Set<String> KNOWN = Set.of("model", "input", "instructions", "tools", "tool_choice",
            "parallel_tool_calls", "max_output_tokens", "temperature", "top_p", "text", "reasoning", "stream", "user",
            "safety_identifier", "previous_response_id", "conversation", "background", "prompt", "top_logprobs",
            "include");
    private static final Set<String> DROPPED = Set.of("store", "metadata", "service_tier", "prompt_cache_key",
            "prompt_cache_retention", "stream_options", "max_tool_calls", "truncation");

    private final ObjectMapper json;

    ResponsesRequestReader(ObjectMapper json) {
        this.json = json;
    }

    ChatRequest read(byte[] body) throws TranslationException {
        ObjectNode root = JsonBodies.object(body);
        refuseUnsupported(root);
        List<Part> system = new ArrayList<>();
        String instructions = text(root, "instructions");
        if (instructions != null) {
            system.add(new Part.Text(instructions));
        }
        List<Message> messages = ResponsesInputReader.read(root.get("input"), system);
        ObjectNode extensions = json.createObjectNode();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> f = it.next();
            if (!KNOWN.contains(f.getKey()) && !DROPPED.contains(f.getKey())) {
                extensions.set(f.getKey(), f.getValue());
            }
        }
        JsonNode textConfig = root.path("text");
        if (textConfig.hasNonNull("verbosity")) {
            extensions.set("verbosity", textConfig.get("verbosity"));
        }
        String user = text(root, "user");
        return new ChatRequest(text(root, "model"), system, messages, readTools(root),
                OpenAiChoices.toolChoice(root.get("tool_choice"), false),
                bool(root, "parallel_tool_calls"), integer(root, "max_output_tokens"), number(root, "temperature"),
                number(root, "top_p"), null, List.of(),
                OpenAiChoices.responseFormat(textConfig.get("format"), "text.format", false), readThinking(root),
                Boolean.TRUE.equals(bool(root, "stream")), false,
                user != null ? user : text(root, "safety_identifier"), extensions.isEmpty() ? null : extensions);
    }

    private static void refuseUnsupported(JsonNode root) throws TranslationException {
        for (String f : List.of("previous_response_id", "conversation")) {
            if (root.hasNonNull(f)) {
                throw new TranslationException("field '" + f + "' cannot be used with this backend: the gateway "
                        + "keeps no conversation state; send the whole conversation in input (earlier output items "
                        + "included) instead", f);
            }
        }
        if (root.path("background").asBoolean(false)) {
            throw new TranslationException("field 'background' cannot be used with this backend: the gateway keeps "
                    + "no responses to poll; send the request without background", "background");
        }
        if (root.hasNonNull("prompt")) {
            throw new TranslationException("field 'prompt' (a stored prompt template) cannot be used with this "
                    + "backend; send the prompt's text in instructions and input", "prompt");
        }
        if (root.path("top_logprobs").asInt(0) > 0) {
            throw new TranslationException("field 'top_logprobs' cannot be translated for this backend: log "
                    + "probabilities are not available from it; remove it", "top_logprobs");
        }
        JsonNode include = root.get("include");
        if (include != null && include.isArray()) {
            for (int i = 0; i < include.size(); i++) {
                if ("message.output_text.logprobs".equals(include.get(i).asText())) {
                    throw new TranslationException("log probabilities are not available from this backend; remove "
                            + "'message.output_text.logprobs' from include", "include[" + i + "]");
                }
            }
        }
    }

    /** Function tools are flat here: {@code {type:function, name, description, parameters, strict}}. */
    private static List<Tool> readTools(JsonNode root) throws TranslationException {
        JsonNode tools = root.get("tools");
        if (tools == null || tools.isNull()) {
            return List.of();
        }
        if (!tools.isArray()) {
            throw new TranslationException("tools must be an array", "tools");
        }
        List<Tool> out = new ArrayList<>();
        for (int i = 0; i < tools.size(); i++) {
            JsonNode t = tools.get(i);
            String path = "tools[" + i + "]";
            String type = t.path("type").asText("");
            if (!"function".equals(type)) {
                throw new TranslationException("the built-in tool '" + type + "' is not available from this backend; "
                        + "only function tools can be translated", path + ".type");
            }
            out.add(new Tool(required(t, "name", path), t.path("description").asText(null),
                    t.hasNonNull("parameters") ? t.get("parameters") : null, bool(t, "strict")));
        }
        return out;
    }

    private static ChatRequest.Thinking readThinking(JsonNode root) throws TranslationException {
        JsonNode r = root.get("reasoning");
        if (r == null || r.isNull()) {
            return null;
        }
        String effort = text(r, "effort");
        return effort == null || effort.equals("none") ? null : new ChatRequest.Thinking(null, effort);
    }
}
