package dev.switchboard.providers.bedrock;

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
import java.io.IOException;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A {@link ChatRequest} as a Converse / ConverseStream body. The model is not in it (it is in the path,
 * {@code /model/{modelId}/converse[-stream]}), nor is the stream flag (the path says that too).
 *
 * <p>Mappings that are not one to one:
 * <ul>
 *   <li>consecutive turns of one role are merged: Bedrock requires user and assistant to alternate;</li>
 *   <li>a part with {@code cacheControl} is followed by {@code {"cachePoint":{"type":"default"}}};</li>
 *   <li>{@code topK} → {@code additionalModelRequestFields.top_k} and a thinking budget →
 *       {@code additionalModelRequestFields.thinking {type: enabled, budget_tokens}}: both model-specific (Claude's
 *       names; other models may reject them);</li>
 *   <li>{@code responseFormat} → {@code outputConfig.textFormat} (JSON schema; JSON mode without a schema becomes
 *       the schema {@code {"type":"object"}});</li>
 *   <li>tool choice none: Converse has no such choice, so the tools are left out; a conversation that already holds
 *       tool calls needs {@code toolConfig}, so there it is a TranslationException;</li>
 *   <li>{@code user} is dropped (Converse has no end-user field; {@code requestMetadata} is for logs only).</li>
 * </ul>
 * Not translatable (TranslationException): images by http(s) URL (Converse takes bytes or an S3 location, and the
 * gateway does not fetch URLs for a client), image types other than png/jpeg/gif/webp,
 * {@code parallel_tool_calls: false}, a reasoning effort without a token budget, and extensions outside
 * {@link #EXTENSIONS}.
 */
final class ConverseRequestWriter {
    /** Converse's own top-level fields a client may send as extensions. */
    static final Set<String> EXTENSIONS = Set.of("additionalModelRequestFields", "additionalModelResponseFieldPaths",
            "guardrailConfig", "performanceConfig", "promptVariables", "requestMetadata", "serviceTier");

    private static final Map<String, String> IMAGE_FORMATS =
            Map.of("image/png", "png", "image/jpeg", "jpeg", "image/jpg", "jpeg", "image/gif", "gif",
                    "image/webp", "webp");

    private final ObjectMapper json;

    ConverseRequestWriter(ObjectMapper json) {
        this.json = json;
    }

    byte[] write(ChatRequest r) throws TranslationException {
        ObjectNode body = json.createObjectNode();
        body.set("messages", messages(r.messages()));
        if (!r.system().isEmpty()) {
            ArrayNode system = body.putArray("system");
            for (int i = 0; i < r.system().size(); i++) {
                contentBlock(system, r.system().get(i), "system[" + i + "]");
            }
        }
        inferenceConfig(body, r);
        toolConfig(body, r);
        additionalFields(body, r);
        outputConfig(body, r.responseFormat());
        extensions(body, r.extensions());
        try {
            return json.writeValueAsBytes(body);
        } catch (IOException e) {
            throw new IllegalStateException(e); // a tree of our own always serialises
        }
    }

    private ArrayNode messages(List<Message> messages) throws TranslationException {
        ArrayNode out = json.createArrayNode();
        ObjectNode last = null;
        Message.Role lastRole = null;
        for (int i = 0; i < messages.size(); i++) {
            Message m = messages.get(i);
            ArrayNode content;
            if (m.role() == lastRole) {
                content = (ArrayNode) last.get("content"); // alternation is required: merge into the previous turn
            } else {
                last = out.addObject();
                last.put("role", m.role() == Message.Role.USER ? "user" : "assistant");
                content = last.putArray("content");
                lastRole = m.role();
            }
            for (int j = 0; j < m.content().size(); j++) {
                contentBlock(content, m.content().get(j), "messages[" + i + "].content[" + j + "]");
            }
        }
        return out;
    }

    private void contentBlock(ArrayNode out, Part part, String path) throws TranslationException {
        switch (part) {
            case Part.Text t -> {
                out.addObject().put("text", t.text());
                if (t.cacheControl() != null) {
                    out.addObject().putObject("cachePoint").put("type", "default");
                }
            }
            case Part.Image img -> image(out.addObject(), img, path);
            case Part.ToolCall call -> {
                ObjectNode use = out.addObject().putObject("toolUse");
                use.put("toolUseId", call.id());
                use.put("name", call.name());
                use.set("input", arguments(call.arguments(), path));
            }
            case Part.ToolResult result -> toolResult(out.addObject().putObject("toolResult"), result, path);
            case Part.Thinking th -> {
                ObjectNode text = out.addObject().putObject("reasoningContent").putObject("reasoningText");
                text.put("text", th.text());
                if (th.signature() != null) {
                    text.put("signature", th.signature());
                }
            }
            case Part.RedactedThinking red -> out.addObject().putObject("reasoningContent")
                    .put("redactedContent", red.data());
        }
    }

    private void image(ObjectNode block, Part.Image img, String path) throws TranslationException {
        if (img.base64() == null) {
            throw new TranslationException("Bedrock's Converse API takes images as bytes, not by URL, and the gateway "
                    + "does not fetch URLs for a client: send the image inline as a base64 data URL", path);
        }
        String format = img.mediaType() == null ? null : IMAGE_FORMATS.get(img.mediaType());
        if (format == null) {
            throw new TranslationException("Bedrock's Converse API takes png, jpeg, gif or webp images, not "
                    + img.mediaType(), path);
        }
        ObjectNode image = block.putObject("image");
        image.put("format", format);
        image.putObject("source").put("bytes", img.base64());
    }

    private void toolResult(ObjectNode out, Part.ToolResult r, String path) throws TranslationException {
        out.put("toolUseId", r.toolCallId());
        ArrayNode content = out.putArray("content");
        for (int k = 0; k < r.content().size(); k++) {
            Part p = r.content().get(k);
            String at = path + ".content[" + k + "]";
            switch (p) {
                case Part.Text t -> content.addObject().put("text", t.text());
                case Part.Image img -> image(content.addObject(), img, at);
                default -> throw new TranslationException("a Bedrock tool result holds text and images only", at);
            }
        }
        out.put("status", r.isError() ? "error" : "success");
    }

    private JsonNode arguments(String arguments, String path) throws TranslationException {
        if (arguments == null || arguments.isBlank()) {
            return json.createObjectNode();
        }
        try {
            JsonNode input = json.readTree(arguments);
            if (input.isObject()) {
                return input;
            }
        } catch (IOException e) {
            // fall through to the error below
        }
        throw new TranslationException("a tool call's arguments must be a JSON object for Bedrock", path);
    }

    private static void inferenceConfig(ObjectNode body, ChatRequest r) {
        if (r.maxTokens() == null && r.temperature() == null && r.topP() == null && r.stop().isEmpty()) {
            return;
        }
        ObjectNode c = body.putObject("inferenceConfig");
        if (r.maxTokens() != null) {
            c.put("maxTokens", r.maxTokens());
        }
        if (r.temperature() != null) {
            c.put("temperature", r.temperature());
        }
        if (r.topP() != null) {
            c.put("topP", r.topP());
        }
        if (!r.stop().isEmpty()) {
            ArrayNode stop = c.putArray("stopSequences");
            r.stop().forEach(stop::add);
        }
    }

    private void toolConfig(ObjectNode body, ChatRequest r) throws TranslationException {
        if (Boolean.FALSE.equals(r.parallelToolCalls())) {
            throw new TranslationException("field 'parallel_tool_calls' has no equivalent in Bedrock's Converse API: "
                    + "leave it out", "parallel_tool_calls");
        }
        if (r.tools().isEmpty()) {
            return;
        }
        ToolChoice choice = r.toolChoice();
        if (choice != null && choice.mode() == ToolChoice.Mode.NONE) {
            if (hasToolBlocks(r.messages())) {
                throw new TranslationException("Bedrock's Converse API has no tool choice 'none', and a conversation "
                        + "with tool calls must declare its tools: use 'auto'", "tool_choice");
            }
            return; // no tools offered: the model cannot call one
        }
        ObjectNode config = body.putObject("toolConfig");
        ArrayNode tools = config.putArray("tools");
        for (Tool t : r.tools()) {
            ObjectNode spec = tools.addObject().putObject("toolSpec");
            spec.put("name", t.name());
            if (t.description() != null) {
                spec.put("description", t.description());
            }
            spec.putObject("inputSchema").set("json",
                    t.parameters() == null ? json.createObjectNode().put("type", "object") : t.parameters());
        }
        if (choice != null) {
            ObjectNode c = config.putObject("toolChoice");
            switch (choice.mode()) {
                case AUTO -> c.putObject("auto");
                case REQUIRED -> c.putObject("any");
                case TOOL -> c.putObject("tool").put("name", choice.name());
                case NONE -> throw new AssertionError("handled above");
            }
        }
    }

    private static boolean hasToolBlocks(List<Message> messages) {
        for (Message m : messages) {
            for (Part p : m.content()) {
                if (p instanceof Part.ToolCall || p instanceof Part.ToolResult) {
                    return true;
                }
            }
        }
        return false;
    }

    /** top_k and thinking, merged into a client's own {@code additionalModelRequestFields} if it sent some. */
    private void additionalFields(ObjectNode body, ChatRequest r) throws TranslationException {
        ObjectNode fields = json.createObjectNode();
        if (r.extensions() != null && r.extensions().get("additionalModelRequestFields") instanceof ObjectNode own) {
            fields.setAll(own);
        }
        if (r.topK() != null) {
            fields.put("top_k", r.topK());
        }
        if (r.thinking() != null) {
            if (r.thinking().budgetTokens() == null) {
                throw new TranslationException("Claude on Bedrock takes a thinking budget in tokens, not a reasoning "
                        + "effort: send thinking.budget_tokens instead", "reasoning_effort");
            }
            fields.putObject("thinking").put("type", "enabled").put("budget_tokens", r.thinking().budgetTokens());
        }
        if (!fields.isEmpty()) {
            body.set("additionalModelRequestFields", fields);
        }
    }

    private void outputConfig(ObjectNode body, ResponseFormat f) {
        if (f == null) {
            return;
        }
        JsonNode schema = f.type() == ResponseFormat.Type.JSON_SCHEMA && f.schema() != null
                ? f.schema() : json.createObjectNode().put("type", "object");
        ObjectNode def = body.putObject("outputConfig").putObject("textFormat").put("type", "json_schema")
                .putObject("structure").putObject("jsonSchema");
        def.put("schema", schema.toString()); // Converse takes the schema as a JSON string
        if (f.name() != null) {
            def.put("name", f.name());
        }
    }

    private static void extensions(ObjectNode body, ObjectNode extensions) throws TranslationException {
        if (extensions == null) {
            return;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = extensions.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!EXTENSIONS.contains(e.getKey())) {
                throw new TranslationException("field '" + e.getKey() + "' has no equivalent in Bedrock's Converse "
                        + "API; leave it out (Converse's own fields that pass through: " + EXTENSIONS + ")", e.getKey());
            }
            if (!e.getKey().equals("additionalModelRequestFields")) { // merged above
                body.set(e.getKey(), e.getValue());
            }
        }
    }
}
