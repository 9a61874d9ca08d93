package dev.switchboard.providers.anthropic;

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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads a client's Messages request ({@code /v1/messages}, or {@code /v1/messages/count_tokens}).
 *
 * <p>Mapping: {@code system} (string, or text blocks with {@code cache_control}) → system; {@code messages} (user and
 * assistant; content a string or blocks: text, image base64/url, tool_use → ToolCall with {@code input} as JSON text,
 * tool_result → ToolResult, thinking → Thinking with its signature, redacted_thinking) → messages; {@code tools}
 * (custom tools: name, description, input_schema, strict); {@code tool_choice} auto/any/tool/none, its
 * {@code disable_parallel_tool_use} → parallelToolCalls=false; max_tokens, temperature, top_p, top_k,
 * stop_sequences, stream; {@code thinking} enabled → Thinking(budget), adaptive → Thinking(no budget, the
 * {@code output_config.effort} if any), disabled → none; {@code output_config.format} json_schema → responseFormat;
 * {@code metadata.user_id} → user.
 *
 * <p>Dropped (harmless): the rest of {@code metadata}, {@code service_tier}, {@code anthropic_version}, a
 * {@code cache_control} ttl, block {@code citations}. Rejected (they change the answer and exist only at Anthropic):
 * server tools (a tool with a {@code type}), {@code mcp_servers}, {@code container}, {@code context_management},
 * document/file/search-result blocks and server-tool blocks, an image by file id. Missing {@code max_tokens} in a
 * Messages request is a 400 naming it, as Anthropic answers. Any other field goes to {@code extensions} as it is.
 */
final class AnthropicRequestDecoder {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Set<String> MAPPED = Set.of("model", "system", "messages", "tools", "tool_choice",
            "max_tokens", "temperature", "top_p", "top_k", "stop_sequences", "stream", "thinking", "metadata",
            "output_config");
    private static final Set<String> DROPPED = Set.of("service_tier", "anthropic_version");
    private static final Map<String, String> REJECTED = Map.of(
            "mcp_servers", "MCP servers are run by Anthropic's API itself",
            "container", "code-execution containers exist only at Anthropic",
            "context_management", "context editing is done by Anthropic's API itself");

    private AnthropicRequestDecoder() {}

    static ChatRequest decode(byte[] body, String pathModel, boolean countTokens) throws TranslationException {
        ObjectNode root = JsonBodies.object(body);
        String model = root.path("model").isTextual() ? root.get("model").asText() : pathModel;
        if (model == null) {
            throw new TranslationException("model: Field required", "model");
        }
        JsonNode maxTokens = root.get("max_tokens");
        if (!countTokens && (maxTokens == null || !maxTokens.isIntegralNumber())) {
            throw new TranslationException("max_tokens: Field required", "max_tokens");
        }
        ObjectNode extensions = MAPPER.createObjectNode();
        for (Map.Entry<String, JsonNode> f : root.properties()) {
            String name = f.getKey();
            if (REJECTED.containsKey(name)) {
                throw new TranslationException("field '" + name + "' cannot be sent to this backend: "
                        + REJECTED.get(name) + "; remove it or route to an Anthropic backend", name);
            }
            if (!MAPPED.contains(name) && !DROPPED.contains(name)) {
                extensions.set(name, f.getValue());
            }
        }
        ChatRequest.Thinking thinking = thinking(root);
        return new ChatRequest(model, system(root.get("system")), messages(root.get("messages")),
                tools(root.get("tools")), toolChoice(root.get("tool_choice")), parallel(root.get("tool_choice")),
                maxTokens == null || !maxTokens.isIntegralNumber() ? null : maxTokens.asInt(),
                number(root, "temperature"), number(root, "top_p"),
                root.path("top_k").isIntegralNumber() ? root.get("top_k").asInt() : null,
                strings(root.get("stop_sequences")), responseFormat(root.path("output_config")), thinking,
                root.path("stream").asBoolean(false), false,
                root.path("metadata").path("user_id").isTextual() ? root.get("metadata").get("user_id").asText()
                        : null,
                extensions.isEmpty() ? null : extensions);
    }

    private static List<Part> system(JsonNode s) throws TranslationException {
        List<Part> parts = new ArrayList<>();
        if (s == null || s.isNull()) {
            return parts;
        }
        if (s.isTextual()) {
            parts.add(new Part.Text(s.asText()));
            return parts;
        }
        if (!s.isArray()) {
            throw new TranslationException("system must be a string or a list of text blocks", "system");
        }
        for (int i = 0; i < s.size(); i++) {
            JsonNode b = s.get(i);
            if (!"text".equals(b.path("type").asText())) {
                throw new TranslationException("system blocks must be text", "system[" + i + "].type");
            }
            parts.add(new Part.Text(b.path("text").asText(), cacheControl(b)));
        }
        return parts;
    }

    private static List<Message> messages(JsonNode ms) throws TranslationException {
        if (ms == null || !ms.isArray()) {
            throw new TranslationException("messages: Field required", "messages");
        }
        List<Message> out = new ArrayList<>();
        for (int i = 0; i < ms.size(); i++) {
            JsonNode m = ms.get(i);
            String at = "messages[" + i + "]";
            Message.Role role = switch (m.path("role").asText()) {
                case "user" -> Message.Role.USER;
                case "assistant" -> Message.Role.ASSISTANT;
                default -> throw new TranslationException("role must be user or assistant", at + ".role");
            };
            out.add(new Message(role, content(m.get("content"), at + ".content")));
        }
        return out;
    }

    private static List<Part> content(JsonNode c, String at) throws TranslationException {
        List<Part> parts = new ArrayList<>();
        if (c == null || c.isNull()) {
            return parts;
        }
        if (c.isTextual()) {
            parts.add(new Part.Text(c.asText()));
            return parts;
        }
        if (!c.isArray()) {
            throw new TranslationException("content must be a string or a list of blocks", at);
        }
        for (int j = 0; j < c.size(); j++) {
            parts.add(block(c.get(j), at + "[" + j + "]"));
        }
        return parts;
    }

    private static Part block(JsonNode b, String at) throws TranslationException {
        String type = b.path("type").asText();
        return switch (type) {
            case "text" -> new Part.Text(b.path("text").asText(), cacheControl(b));
            case "image" -> image(b.path("source"), at + ".source");
            case "tool_use" -> new Part.ToolCall(b.path("id").asText(), b.path("name").asText(),
                    b.has("input") && !b.get("input").isNull() ? b.get("input").toString() : "{}");
            case "tool_result" -> {
                JsonNode rc = b.get("content");
                List<Part> result = new ArrayList<>();
                if (rc != null && rc.isTextual()) {
                    result.add(new Part.Text(rc.asText()));
                } else if (rc != null && rc.isArray()) {
                    for (int k = 0; k < rc.size(); k++) {
                        Part p = block(rc.get(k), at + ".content[" + k + "]");
                        if (!(p instanceof Part.Text) && !(p instanceof Part.Image)) {
                            throw new TranslationException("a tool result holds text and images only",
                                    at + ".content[" + k + "].type");
                        }
                        result.add(p);
                    }
                }
                yield new Part.ToolResult(b.path("tool_use_id").asText(), null, result,
                        b.path("is_error").asBoolean(false));
            }
            case "thinking" -> new Part.Thinking(b.path("thinking").asText(),
                    b.path("signature").isTextual() ? b.get("signature").asText() : null);
            case "redacted_thinking" -> new Part.RedactedThinking(b.path("data").asText());
            default -> throw new TranslationException("content block type '" + type
                    + "' has no equivalent at this backend; send text, images, tool_use and tool_result blocks",
                    at + ".type");
        };
    }

    private static Part.Image image(JsonNode src, String at) throws TranslationException {
        return switch (src.path("type").asText()) {
            case "base64" -> new Part.Image(null, src.path("media_type").asText(), src.path("data").asText());
            case "url" -> new Part.Image(src.path("url").asText(), null, null);
            default -> throw new TranslationException("image source type '" + src.path("type").asText()
                    + "' has no equivalent at this backend; send base64 or url", at + ".type");
        };
    }

    private static List<Tool> tools(JsonNode ts) throws TranslationException {
        List<Tool> out = new ArrayList<>();
        if (ts == null || ts.isNull()) {
            return out;
        }
        for (int i = 0; i < ts.size(); i++) {
            JsonNode t = ts.get(i);
            String type = t.path("type").asText("custom");
            if (!type.equals("custom")) {
                throw new TranslationException("tool type '" + type
                        + "' is an Anthropic server tool and has no equivalent at this backend", "tools[" + i + "].type");
            }
            out.add(new Tool(t.path("name").asText(), t.path("description").isTextual()
                    ? t.get("description").asText() : null, t.get("input_schema"),
                    t.path("strict").isBoolean() ? t.get("strict").asBoolean() : null));
        }
        return out;
    }

    private static ToolChoice toolChoice(JsonNode c) throws TranslationException {
        if (c == null || c.isNull()) {
            return null;
        }
        return switch (c.path("type").asText()) {
            case "auto" -> ToolChoice.AUTO;
            case "any" -> ToolChoice.REQUIRED;
            case "none" -> ToolChoice.NONE;
            case "tool" -> ToolChoice.tool(c.path("name").asText());
            default -> throw new TranslationException("tool_choice.type must be auto, any, tool or none",
                    "tool_choice.type");
        };
    }

    private static Boolean parallel(JsonNode c) {
        return c != null && c.path("disable_parallel_tool_use").asBoolean(false) ? Boolean.FALSE : null;
    }

    private static ChatRequest.Thinking thinking(JsonNode root) throws TranslationException {
        JsonNode t = root.get("thinking");
        String effort = root.path("output_config").path("effort").isTextual()
                ? root.get("output_config").get("effort").asText() : null;
        if (t == null || t.isNull()) {
            return effort == null ? null : new ChatRequest.Thinking(null, effort);
        }
        return switch (t.path("type").asText()) {
            case "enabled" -> new ChatRequest.Thinking(t.path("budget_tokens").asInt(), effort);
            case "adaptive" -> new ChatRequest.Thinking(null, effort);
            case "disabled" -> null;
            default -> throw new TranslationException("thinking.type must be enabled, adaptive or disabled",
                    "thinking.type");
        };
    }

    private static ResponseFormat responseFormat(JsonNode oc) throws TranslationException {
        JsonNode f = oc.get("format");
        if (f == null || f.isNull()) {
            return null;
        }
        if (!"json_schema".equals(f.path("type").asText())) {
            throw new TranslationException("output_config.format.type must be json_schema",
                    "output_config.format.type");
        }
        return new ResponseFormat(ResponseFormat.Type.JSON_SCHEMA, null, f.get("schema"), null);
    }

    private static String cacheControl(JsonNode b) {
        JsonNode cc = b.get("cache_control");
        return cc != null && cc.path("type").isTextual() ? cc.get("type").asText() : null;
    }

    private static Double number(JsonNode root, String f) {
        JsonNode v = root.get(f);
        return v != null && v.isNumber() ? v.asDouble() : null;
    }

    private static List<String> strings(JsonNode a) {
        List<String> out = new ArrayList<>();
        if (a != null && a.isArray()) {
            a.forEach(s -> out.add(s.asText()));
        }
        return out;
    }
}
