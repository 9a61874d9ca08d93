package dev.switchboard.providers.bedrock;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.providers.TranslationException;
import dev.switchboard.providers.chat.ChatRequest;
import dev.switchboard.providers.chat.Message;
import dev.switchboard.providers.chat.Part;
import dev.switchboard.providers.chat.ResponseFormat;
import dev.switchboard.providers.chat.Tool;
import dev.switchboard.providers.chat.ToolChoice;
import dev.switchboard.providers.wire.JsonBodies;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * A Converse body as a {@link ChatRequest}: only the simulator's Bedrock personality reads one (no client speaks
 * Bedrock to the gateway). The model comes from the path; so does streaming ({@code /converse-stream}), so
 * {@code stream} is false here and the caller sets it. {@code additionalModelRequestFields.top_k} and
 * {@code .thinking.budget_tokens} are read into topK and thinking, the rest of that object and Converse's other
 * top-level fields ({@link ConverseRequestWriter#EXTENSIONS}) stay as extensions. Content blocks with no place in
 * the chat model (documents, videos, S3 images, guardContent) are a TranslationException naming them.
 */
final class ConverseRequestReader {
    private final ObjectMapper json;

    ConverseRequestReader(ObjectMapper json) {
        this.json = json;
    }

    ChatRequest read(byte[] body, String pathModel) throws TranslationException {
        ObjectNode root = JsonBodies.object(body);
        List<Part> system = new ArrayList<>();
        JsonNode sys = root.path("system");
        for (int i = 0; i < sys.size(); i++) {
            blocks(sys, i, system, "system");
        }
        List<Message> messages = new ArrayList<>();
        JsonNode ms = root.path("messages");
        for (int i = 0; i < ms.size(); i++) {
            JsonNode m = ms.get(i);
            Message.Role role = switch (m.path("role").asText()) {
                case "user" -> Message.Role.USER;
                case "assistant" -> Message.Role.ASSISTANT;
                default -> throw new TranslationException("role must be user or assistant", "messages[" + i + "].role");
            };
            List<Part> parts = new ArrayList<>();
            JsonNode content = m.path("content");
            for (int j = 0; j < content.size(); j++) {
                blocks(content, j, parts, "messages[" + i + "].content");
            }
            messages.add(new Message(role, parts));
        }
        JsonNode inf = root.path("inferenceConfig");
        List<String> stop = new ArrayList<>();
        inf.path("stopSequences").forEach(s -> stop.add(s.asText()));
        List<Tool> tools = new ArrayList<>();
        for (JsonNode t : root.path("toolConfig").path("tools")) {
            JsonNode spec = t.path("toolSpec");
            tools.add(new Tool(spec.path("name").asText(), spec.path("description").asText(null),
                    spec.path("inputSchema").get("json"), null));
        }
        ObjectNode extensions = json.createObjectNode();
        Integer topK = null;
        ChatRequest.Thinking thinking = null;
        if (root.get("additionalModelRequestFields") instanceof ObjectNode extra) {
            ObjectNode rest = extra.deepCopy();
            if (rest.remove("top_k") instanceof JsonNode k) {
                topK = k.asInt();
            }
            if (rest.get("thinking") instanceof JsonNode th && th.has("budget_tokens")) {
                thinking = new ChatRequest.Thinking(th.get("budget_tokens").asInt(), null);
                rest.remove("thinking");
            }
            if (!rest.isEmpty()) {
                extensions.set("additionalModelRequestFields", rest);
            }
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (ConverseRequestWriter.EXTENSIONS.contains(e.getKey())
                    && !e.getKey().equals("additionalModelRequestFields")) {
                extensions.set(e.getKey(), e.getValue());
            }
        }
        return new ChatRequest(pathModel, system, messages, tools, toolChoice(root.path("toolConfig")), null,
                inf.has("maxTokens") ? inf.get("maxTokens").asInt() : null,
                inf.has("temperature") ? inf.get("temperature").asDouble() : null,
                inf.has("topP") ? inf.get("topP").asDouble() : null, topK, stop,
                responseFormat(root.path("outputConfig")), thinking, false, false, null,
                extensions.isEmpty() ? null : extensions);
    }

    /** Block {@code i} of {@code array} as a part (a cachePoint marks the part before it). */
    private void blocks(JsonNode array, int i, List<Part> out, String path) throws TranslationException {
        JsonNode b = array.get(i);
        String at = path + "[" + i + "]";
        if (b.has("text")) {
            out.add(new Part.Text(b.get("text").asText()));
        } else if (b.has("cachePoint")) {
            if (!out.isEmpty() && out.getLast() instanceof Part.Text t) {
                out.set(out.size() - 1, new Part.Text(t.text(), "ephemeral"));
            }
        } else if (b.get("image") instanceof JsonNode img) {
            out.add(image(img, at));
        } else if (b.get("toolUse") instanceof JsonNode use) {
            out.add(new Part.ToolCall(use.path("toolUseId").asText(), use.path("name").asText(),
                    use.path("input").toString()));
        } else if (b.get("toolResult") instanceof JsonNode r) {
            List<Part> content = new ArrayList<>();
            JsonNode c = r.path("content");
            for (int k = 0; k < c.size(); k++) {
                JsonNode p = c.get(k);
                if (p.has("json")) {
                    content.add(new Part.Text(p.get("json").toString()));
                } else if (p.get("image") instanceof JsonNode img) {
                    content.add(image(img, at + ".toolResult.content[" + k + "]"));
                } else {
                    content.add(new Part.Text(p.path("text").asText()));
                }
            }
            out.add(new Part.ToolResult(r.path("toolUseId").asText(), null, content,
                    "error".equals(r.path("status").asText())));
        } else if (b.get("reasoningContent") instanceof JsonNode rc) {
            if (rc.has("redactedContent")) {
                out.add(new Part.RedactedThinking(rc.get("redactedContent").asText()));
            } else {
                JsonNode t = rc.path("reasoningText");
                out.add(new Part.Thinking(t.path("text").asText(), t.path("signature").asText(null)));
            }
        } else {
            String kind = b.fieldNames().hasNext() ? b.fieldNames().next() : "(empty)";
            throw new TranslationException("content block '" + kind + "' is not supported by this Bedrock "
                    + "simulator", at);
        }
    }

    private static Part.Image image(JsonNode img, String at) throws TranslationException {
        JsonNode bytes = img.path("source").get("bytes");
        if (bytes == null) {
            throw new TranslationException("only images with source.bytes are supported", at + ".image.source");
        }
        return new Part.Image(null, "image/" + img.path("format").asText("png"), bytes.asText());
    }

    private static ToolChoice toolChoice(JsonNode config) {
        JsonNode c = config.get("toolChoice");
        if (c == null) {
            return null;
        }
        if (c.has("any")) {
            return ToolChoice.REQUIRED;
        }
        if (c.has("tool")) {
            return ToolChoice.tool(c.get("tool").path("name").asText());
        }
        return ToolChoice.AUTO;
    }

    private ResponseFormat responseFormat(JsonNode output) {
        JsonNode def = output.path("textFormat").path("structure").path("jsonSchema");
        if (!def.has("schema")) {
            return null;
        }
        JsonNode schema;
        try {
            schema = json.readTree(def.get("schema").asText());
        } catch (IOException e) {
            schema = null;
        }
        return new ResponseFormat(ResponseFormat.Type.JSON_SCHEMA, def.path("name").asText(null), schema, null);
    }
}
