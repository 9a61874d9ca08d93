package dev.switchboard.providers.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.providers.TranslationException;
import dev.switchboard.providers.chat.ChatRequest;
import dev.switchboard.providers.chat.Message;
import dev.switchboard.providers.chat.Part;
import dev.switchboard.providers.chat.ResponseFormat;
import dev.switchboard.providers.chat.Tool;
import dev.switchboard.providers.chat.ToolChoice;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Writes a Messages request body for a Claude backend (e.g. an OpenAI SDK client in front of Claude).
 *
 * <p>Mapping and the choices made:
 * <ul>
 * <li>system parts → {@code system}: a string when it is one plain text part, else text blocks (with
 *     {@code cache_control});</li>
 * <li>consecutive turns of the same role are merged into one (Anthropic requires user and assistant to alternate;
 *     OpenAI's consecutive {@code tool} messages become one user turn this way); in a user turn the tool_result blocks
 *     come first (Anthropic requires it), the other parts keep their order;</li>
 * <li>empty text parts are left out (Anthropic rejects empty text blocks, and an OpenAI assistant turn with tool
 *     calls often has {@code content: ""}); thinking parts without a signature (another provider's reasoning) are
 *     left out too, as Anthropic rejects an unsigned thinking block; redacted thinking goes back as it came;</li>
 * <li>images: a URL → {@code source{type:url}}, inline bytes → {@code source{type:base64}};</li>
 * <li>max_tokens is required: a request without it is a 400 naming {@code max_tokens} before any upstream call
 *     (Envoy AI Gateway sends none and lets Anthropic reject it; we say so sooner and more clearly, and invent no
 *     limit);</li>
 * <li>temperature must be within [0, 1] (Anthropic's range; OpenAI's is [0, 2]);</li>
 * <li>thinking: a budget → {@code {type:enabled,budget_tokens}}; an effort only (OpenAI {@code reasoning_effort})
 *     → a budget of {@value #LOW_BUDGET} (minimal, low), {@value #MEDIUM_BUDGET} (medium) or {@value #HIGH_BUDGET}
 *     (high); neither → {@code {type:adaptive}}; the budget must stay below max_tokens (Anthropic's rule, checked
 *     here);</li>
 * <li>response_format JSON_SCHEMA → {@code output_config.format {type:json_schema, schema}} (structured outputs,
 *     generally available, no beta header); JSON_OBJECT (any JSON) has no equivalent → 400;</li>
 * <li>tool_choice REQUIRED → any, NONE → none, a tool → {@code {type:tool,name}}; parallelToolCalls=false →
 *     {@code disable_parallel_tool_use:true}; both are only written when tools are;</li>
 * <li>stop → stop_sequences; user → {@code metadata.user_id};</li>
 * <li>extensions: {@value #ALLOWED_TEXT} pass through as they are (mcp_servers also needs the client's
 *     {@code anthropic-beta} header, which is not the body's business); any other → 400 naming it.</li>
 * </ul>
 * Flavors: NATIVE writes {@code model}; VERTEX writes {@code anthropic_version} instead (the model is in the URL);
 * BEDROCK writes {@code anthropic_version} and no {@code stream} (InvokeModelWithResponseStream says it).
 */
final class AnthropicRequestEncoder {
    static final int LOW_BUDGET = 1024;
    static final int MEDIUM_BUDGET = 4096;
    static final int HIGH_BUDGET = 16384;
    private static final String ALLOWED_TEXT = "metadata, service_tier, container, mcp_servers, context_management";
    private static final Set<String> ALLOWED = Set.of("metadata", "service_tier", "container", "mcp_servers",
            "context_management");
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final AnthropicCodec.Flavor flavor;
    private final String version;

    AnthropicRequestEncoder(AnthropicCodec.Flavor flavor, String version) {
        this.flavor = flavor;
        this.version = version;
    }

    byte[] encode(ChatRequest r) throws TranslationException {
        ObjectNode root = MAPPER.createObjectNode();
        head(root, r, false);
        if (r.maxTokens() == null) {
            throw new TranslationException("max_tokens is required by Anthropic Messages; set max_tokens "
                    + "(or max_completion_tokens)", "max_tokens");
        }
        root.put("max_tokens", r.maxTokens());
        body(root, r);
        if (r.temperature() != null) {
            if (r.temperature() < 0 || r.temperature() > 1) {
                throw new TranslationException("temperature " + r.temperature()
                        + " is outside Anthropic's range [0, 1]", "temperature");
            }
            root.put("temperature", r.temperature());
        }
        if (r.topP() != null) {
            root.put("top_p", r.topP());
        }
        if (r.topK() != null) {
            root.put("top_k", r.topK());
        }
        if (!r.stop().isEmpty()) {
            ArrayNode a = root.putArray("stop_sequences");
            r.stop().forEach(a::add);
        }
        if (r.stream() && flavor != AnthropicCodec.Flavor.BEDROCK) {
            root.put("stream", true);
        }
        responseFormat(root, r.responseFormat());
        extensions(root, r);
        return write(root);
    }

    /** The {@code /v1/messages/count_tokens} body: the prompt side only (model, system, messages, tools, thinking). */
    byte[] countTokens(ChatRequest r) throws TranslationException {
        ObjectNode root = MAPPER.createObjectNode();
        head(root, r, true);
        body(root, r);
        return write(root);
    }

    private void head(ObjectNode root, ChatRequest r, boolean countTokens) {
        if (flavor == AnthropicCodec.Flavor.NATIVE || countTokens) {
            root.put("model", r.model());
        } else {
            root.put("anthropic_version", version);
        }
    }

    private void body(ObjectNode root, ChatRequest r) throws TranslationException {
        system(root, r.system());
        messages(root.putArray("messages"), r.messages());
        tools(root, r);
        thinking(root, r);
    }

    private static void system(ObjectNode root, List<Part> system) throws TranslationException {
        if (system.isEmpty()) {
            return;
        }
        if (system.size() == 1 && system.get(0) instanceof Part.Text t && t.cacheControl() == null) {
            root.put("system", t.text());
            return;
        }
        ArrayNode a = root.putArray("system");
        for (int i = 0; i < system.size(); i++) {
            if (!(system.get(i) instanceof Part.Text t)) {
                throw new TranslationException("Anthropic system prompts hold text only", "system[" + i + "]");
            }
            text(a.addObject(), t);
        }
    }

    private static void messages(ArrayNode out, List<Message> messages) throws TranslationException {
        // Merge runs of one role, then write each turn (tool results first in a user turn).
        List<Message.Role> roles = new ArrayList<>();
        List<List<Part>> turns = new ArrayList<>();
        for (Message m : messages) {
            if (!roles.isEmpty() && roles.get(roles.size() - 1) == m.role()) {
                turns.get(turns.size() - 1).addAll(m.content());
            } else {
                roles.add(m.role());
                turns.add(new ArrayList<>(m.content()));
            }
        }
        for (int i = 0; i < turns.size(); i++) {
            ObjectNode m = out.addObject();
            m.put("role", roles.get(i) == Message.Role.USER ? "user" : "assistant");
            ArrayNode content = m.putArray("content");
            List<Part> parts = turns.get(i);
            for (Part p : parts) {
                if (p instanceof Part.ToolResult tr) {
                    toolResult(content.addObject(), tr, "messages[" + i + "]");
                }
            }
            for (Part p : parts) {
                if (!(p instanceof Part.ToolResult)) {
                    part(content, p, "messages[" + i + "]");
                }
            }
        }
    }

    private static void part(ArrayNode content, Part p, String at) throws TranslationException {
        switch (p) {
            case Part.Text t -> {
                if (!t.text().isEmpty()) {
                    text(content.addObject(), t);
                }
            }
            case Part.Image img -> image(content.addObject(), img);
            case Part.ToolCall c -> {
                ObjectNode b = content.addObject();
                b.put("type", "tool_use");
                b.put("id", c.id());
                b.put("name", c.name());
                b.set("input", arguments(c, at));
            }
            case Part.Thinking th -> {
                if (th.signature() != null) {
                    ObjectNode b = content.addObject();
                    b.put("type", "thinking");
                    b.put("thinking", th.text());
                    b.put("signature", th.signature());
                }
            }
            case Part.RedactedThinking rt -> {
                ObjectNode b = content.addObject();
                b.put("type", "redacted_thinking");
                b.put("data", rt.data());
            }
            case Part.ToolResult tr -> toolResult(content.addObject(), tr, at);
        }
    }

    private static JsonNode arguments(Part.ToolCall c, String at) throws TranslationException {
        if (c.arguments() == null || c.arguments().isBlank()) {
            return MAPPER.createObjectNode();
        }
        try {
            JsonNode n = MAPPER.readTree(c.arguments());
            if (n != null && n.isObject()) {
                return n;
            }
        } catch (Exception e) {
            // below
        }
        throw new TranslationException("tool call " + c.id() + " has arguments that are not a JSON object; "
                + "Anthropic's tool_use input must be one", at + ".tool_calls");
    }

    private static void toolResult(ObjectNode b, Part.ToolResult tr, String at) throws TranslationException {
        b.put("type", "tool_result");
        b.put("tool_use_id", tr.toolCallId());
        List<Part> c = tr.content();
        if (c.size() == 1 && c.get(0) instanceof Part.Text t && t.cacheControl() == null) {
            b.put("content", t.text());
        } else {
            ArrayNode a = b.putArray("content");
            for (Part p : c) {
                switch (p) {
                    case Part.Text t -> {
                        if (!t.text().isEmpty()) {
                            text(a.addObject(), t);
                        }
                    }
                    case Part.Image img -> image(a.addObject(), img);
                    default -> throw new TranslationException("an Anthropic tool result holds text and images only",
                            at + ".content");
                }
            }
        }
        if (tr.isError()) {
            b.put("is_error", true);
        }
    }

    private static void text(ObjectNode b, Part.Text t) {
        b.put("type", "text");
        b.put("text", t.text());
        if (t.cacheControl() != null) {
            b.putObject("cache_control").put("type", t.cacheControl());
        }
    }

    private static void image(ObjectNode b, Part.Image img) {
        b.put("type", "image");
        ObjectNode s = b.putObject("source");
        if (img.url() != null) {
            s.put("type", "url");
            s.put("url", img.url());
        } else {
            s.put("type", "base64");
            s.put("media_type", img.mediaType());
            s.put("data", img.base64());
        }
    }

    private static void tools(ObjectNode root, ChatRequest r) {
        if (r.tools().isEmpty()) {
            return;
        }
        ArrayNode a = root.putArray("tools");
        for (Tool t : r.tools()) {
            ObjectNode o = a.addObject();
            o.put("name", t.name());
            if (t.description() != null) {
                o.put("description", t.description());
            }
            if (t.parameters() != null && t.parameters().isObject()) {
                o.set("input_schema", t.parameters());
            } else {
                o.putObject("input_schema").put("type", "object").putObject("properties");
            }
            if (Boolean.TRUE.equals(t.strict())) {
                o.put("strict", true);
            }
        }
        ToolChoice c = r.toolChoice();
        boolean noParallel = Boolean.FALSE.equals(r.parallelToolCalls());
        if (c == null && !noParallel) {
            return;
        }
        ObjectNode tc = root.putObject("tool_choice");
        ToolChoice.Mode mode = c == null ? ToolChoice.Mode.AUTO : c.mode();
        switch (mode) {
            case AUTO -> tc.put("type", "auto");
            case REQUIRED -> tc.put("type", "any");
            case NONE -> tc.put("type", "none");
            case TOOL -> tc.put("type", "tool").put("name", c.name());
        }
        if (noParallel && mode != ToolChoice.Mode.NONE) {
            tc.put("disable_parallel_tool_use", true);
        }
    }

    private static void thinking(ObjectNode root, ChatRequest r) throws TranslationException {
        ChatRequest.Thinking t = r.thinking();
        if (t == null) {
            return;
        }
        Integer budget = t.budgetTokens();
        if (budget == null && t.effort() != null) {
            budget = switch (t.effort()) {
                case "minimal", "low" -> LOW_BUDGET;
                case "medium" -> MEDIUM_BUDGET;
                case "high" -> HIGH_BUDGET;
                default -> throw new TranslationException("reasoning effort '" + t.effort()
                        + "' has no Anthropic thinking budget; use low, medium or high", "reasoning_effort");
            };
        }
        ObjectNode o = root.putObject("thinking");
        if (budget == null) {
            o.put("type", "adaptive");
            return;
        }
        if (r.maxTokens() != null && budget >= r.maxTokens()) {
            throw new TranslationException("the thinking budget (" + budget + " tokens) must be below max_tokens ("
                    + r.maxTokens() + ") at Anthropic; raise max_tokens", "max_tokens");
        }
        o.put("type", "enabled");
        o.put("budget_tokens", budget);
    }

    private static void responseFormat(ObjectNode root, ResponseFormat f) throws TranslationException {
        if (f == null) {
            return;
        }
        if (f.type() == ResponseFormat.Type.JSON_OBJECT || f.schema() == null) {
            throw new TranslationException("response_format json_object has no equivalent in Anthropic Messages; "
                    + "send a json_schema (mapped to output_config.format) or a tool with an input_schema",
                    "response_format");
        }
        ObjectNode fmt = root.putObject("output_config").putObject("format");
        fmt.put("type", "json_schema");
        fmt.set("schema", f.schema());
    }

    private static void extensions(ObjectNode root, ChatRequest r) throws TranslationException {
        if (r.extensions() != null) {
            for (Map.Entry<String, JsonNode> e : r.extensions().properties()) {
                if (!ALLOWED.contains(e.getKey())) {
                    throw new TranslationException("field '" + e.getKey() + "' has no equivalent in Anthropic "
                            + "Messages; remove it (passed through: " + ALLOWED_TEXT + ")", e.getKey());
                }
                root.set(e.getKey(), e.getValue().deepCopy());
            }
        }
        if (r.user() != null) {
            JsonNode m = root.get("metadata");
            ObjectNode meta = m instanceof ObjectNode o ? o : root.putObject("metadata");
            meta.put("user_id", r.user());
        }
    }

    private static byte[] write(ObjectNode root) {
        try {
            return MAPPER.writeValueAsBytes(root);
        } catch (Exception e) {
            throw new IllegalStateException(e); // a tree always writes
        }
    }
}
