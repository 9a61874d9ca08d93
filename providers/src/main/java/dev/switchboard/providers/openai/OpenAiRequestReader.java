package dev.switchboard.providers.openai;

import static dev.switchboard.providers.openai.JsonFields.array;
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
import dev.switchboard.providers.chat.Tool;
import dev.switchboard.providers.wire.JsonBodies;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads a Chat Completions request body into a {@link ChatRequest}.
 *
 * <p>Mapping where it is not obvious:
 * <ul>
 *   <li>{@code system} and {@code developer} messages become {@link ChatRequest#system()}, wherever they stand: the
 *       other formats have one system prompt, so a system message after the first user turn is folded into it (in
 *       order) rather than refused; its position in the conversation is lost.</li>
 *   <li>{@code tool} messages become {@link Part.ToolResult} parts of one user turn (consecutive ones together); a
 *       user message right after them joins that turn, after the results, because Anthropic and Bedrock want a
 *       tool result and the next user text in one turn.</li>
 *   <li>An assistant's {@code reasoning_content} (vLLM, DeepSeek) becomes a {@link Part.Thinking} before its
 *       text.</li>
 *   <li>{@code max_completion_tokens} wins over {@code max_tokens} when both are set.</li>
 *   <li>{@code seed}, {@code frequency_penalty}, {@code presence_penalty}, {@code verbosity} and every field not
 *       known here go to {@link ChatRequest#extensions()} as they are: the backend's encoder decides.</li>
 *   <li>Dropped as harmless to the answer: {@code store}, {@code metadata}, {@code service_tier},
 *       {@code prompt_cache_key}, {@code prompt_cache_retention}, {@code stream_options} (once
 *       {@code include_usage} is read), an image part's {@code detail}, a message's {@code name},
 *       {@code safety_identifier} (used as {@code user} when {@code user} is absent), {@code n: 1},
 *       {@code logprobs: false}, {@code modalities: ["text"]}.</li>
 *   <li>Refused (they change the answer and no other format has them): {@code n} > 1, {@code logprobs},
 *       {@code top_logprobs}, {@code logit_bias}, {@code audio}, {@code modalities} other than text,
 *       {@code prediction}, the deprecated {@code functions}/{@code function_call}, audio and file content
 *       parts, and tools that are not functions.</li>
 * </ul>
 */
final class OpenAiRequestReader {
    private static final Set<String> DROPPED = Set.of("store", "metadata", "service_tier", "prompt_cache_key",
            "prompt_cache_retention", "stream_options", "safety_identifier");

    private final ObjectMapper json;

    OpenAiRequestReader(ObjectMapper json) {
        this.json = json;
    }

    ChatRequest read(byte[] body) throws TranslationException {
        ObjectNode root = JsonBodies.object(body);
        refuseUnsupported(root);
        List<Part> system = new ArrayList<>();
        List<Message> messages = OpenAiMessagesReader.read(array(root, "messages"), system);
        ObjectNode extensions = json.createObjectNode();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> f = it.next();
            if (!KNOWN.contains(f.getKey()) && !DROPPED.contains(f.getKey())) {
                extensions.set(f.getKey(), f.getValue());
            }
        }
        Integer maxCompletionTokens = integer(root, "max_completion_tokens");
        Integer maxTokens = maxCompletionTokens != null ? maxCompletionTokens : integer(root, "max_tokens");
        String effort = text(root, "reasoning_effort");
        String user = text(root, "user");
        return new ChatRequest(text(root, "model"), system, messages, readTools(root),
                OpenAiChoices.toolChoice(root.get("tool_choice"), true),
                bool(root, "parallel_tool_calls"), maxTokens, number(root, "temperature"), number(root, "top_p"), null,
                readStop(root), OpenAiChoices.responseFormat(root.get("response_format"), "response_format", true),
                effort == null ? null : new ChatRequest.Thinking(null, effort),
                Boolean.TRUE.equals(bool(root, "stream")),
                Boolean.TRUE.equals(bool(root.path("stream_options"), "include_usage")),
                user != null ? user : text(root, "safety_identifier"), extensions.isEmpty() ? null : extensions);
    }

    /** The fields read into ChatRequest's own fields (the refused ones too: they never reach extensions). */
    private static final Set<String> KNOWN = Set.of("model", "messages", "tools", "tool_choice", "parallel_tool_calls",
            "max_tokens", "max_completion_tokens", "temperature", "top_p", "stop", "response_format",
            "reasoning_effort", "stream", "user", "n", "logprobs", "top_logprobs", "logit_bias", "audio", "modalities",
            "prediction", "functions", "function_call");

    private static void refuseUnsupported(JsonNode root) throws TranslationException {
        JsonNode n = root.get("n");
        if (n != null && !n.isNull() && n.asInt(1) != 1) {
            throw refused("n", "only one choice per request can be translated; send n separate requests");
        }
        if (root.path("logprobs").asBoolean(false)) {
            throw refused("logprobs", "log probabilities are not available from this backend; remove logprobs");
        }
        for (String f : List.of("top_logprobs", "audio", "prediction", "functions", "function_call")) {
            if (root.hasNonNull(f)) {
                throw refused(f, f.startsWith("function") ? "the deprecated functions API is not translated; use tools"
                        : "remove it or route to an OpenAI backend");
            }
        }
        JsonNode bias = root.get("logit_bias");
        if (bias != null && !bias.isNull() && !bias.isEmpty()) {
            throw refused("logit_bias", "token ids are model-specific and this backend has no logit bias; remove it");
        }
        JsonNode modalities = root.get("modalities");
        if (modalities != null && modalities.isArray()) {
            for (int i = 0; i < modalities.size(); i++) {
                if (!"text".equals(modalities.get(i).asText())) {
                    throw new TranslationException("output modality '" + modalities.get(i).asText()
                            + "' is not available from this backend; ask for text only", "modalities[" + i + "]");
                }
            }
        }
    }

    private static TranslationException refused(String field, String advice) {
        return new TranslationException("field '" + field + "' cannot be translated for this backend: " + advice,
                field);
    }

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
            if (!"function".equals(t.path("type").asText())) {
                throw new TranslationException("only function tools can be translated, not '"
                        + t.path("type").asText() + "'", path + ".type");
            }
            JsonNode f = t.path("function");
            out.add(new Tool(required(f, "name", path + ".function"), f.path("description").asText(null),
                    f.hasNonNull("parameters") ? f.get("parameters") : null, bool(f, "strict")));
        }
        return out;
    }

    private static List<String> readStop(JsonNode root) throws TranslationException {
        JsonNode s = root.get("stop");
        if (s == null || s.isNull()) {
            return List.of();
        }
        if (s.isTextual()) {
            return List.of(s.asText());
        }
        if (!s.isArray()) {
            throw new TranslationException("stop must be a string or an array of strings", "stop");
        }
        List<String> out = new ArrayList<>();
        s.forEach(v -> out.add(v.asText()));
        return out;
    }

}
