package dev.switchboard.providers.openai;

import static dev.switchboard.providers.openai.JsonFields.required;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.providers.TranslationException;
import dev.switchboard.providers.chat.Message;
import dev.switchboard.providers.chat.Part;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a Chat Completions {@code messages} array into system parts and turns ({@link OpenAiRequestReader} says the
 * mapping). Content parts other than text and images (input_audio, file) and the deprecated function role and
 * function_call are refused by their path; an image part's {@code detail} and a message's {@code name} are dropped.
 */
final class OpenAiMessagesReader {
    private OpenAiMessagesReader() {}

    static List<Message> read(JsonNode array, List<Part> system) throws TranslationException {
        List<Message> out = new ArrayList<>();
        List<Part> toolTurn = null; // the parts of the last message while it is a turn of tool results
        for (int i = 0; i < array.size(); i++) {
            JsonNode m = array.get(i);
            String path = "messages[" + i + "]";
            String role = m.path("role").asText("");
            switch (role) {
                case "system", "developer" -> system.addAll(textParts(m.get("content"), path + ".content"));
                case "user" -> {
                    List<Part> parts = userParts(m.get("content"), path + ".content");
                    if (toolTurn != null) {
                        toolTurn.addAll(parts);
                        out.set(out.size() - 1, new Message(Message.Role.USER, toolTurn));
                    } else {
                        out.add(new Message(Message.Role.USER, parts));
                    }
                    toolTurn = null;
                }
                case "assistant" -> {
                    out.add(new Message(Message.Role.ASSISTANT, assistantParts(m, path)));
                    toolTurn = null;
                }
                case "tool" -> {
                    String id = m.path("tool_call_id").asText(null);
                    if (id == null) {
                        throw new TranslationException("a tool message needs its tool_call_id", path + ".tool_call_id");
                    }
                    Part result = new Part.ToolResult(id, null, textParts(m.get("content"), path + ".content"), false);
                    if (toolTurn == null) {
                        toolTurn = new ArrayList<>();
                        toolTurn.add(result);
                        out.add(new Message(Message.Role.USER, toolTurn));
                    } else {
                        toolTurn.add(result);
                        out.set(out.size() - 1, new Message(Message.Role.USER, toolTurn));
                    }
                }
                case "function" -> throw new TranslationException(
                        "the deprecated function role is not translated; use tool messages", path + ".role");
                default -> throw new TranslationException("unknown message role '" + role + "'", path + ".role");
            }
        }
        return out;
    }

    private static List<Part> assistantParts(JsonNode m, String path) throws TranslationException {
        List<Part> parts = new ArrayList<>();
        String reasoning = m.path("reasoning_content").asText(null);
        if (reasoning != null && !reasoning.isEmpty()) {
            parts.add(new Part.Thinking(reasoning, null));
        }
        if (m.hasNonNull("audio")) {
            throw new TranslationException("assistant audio cannot be translated", path + ".audio");
        }
        if (m.hasNonNull("function_call")) {
            throw new TranslationException("the deprecated function_call is not translated; use tool_calls",
                    path + ".function_call");
        }
        JsonNode content = m.get("content");
        if (content != null && !content.isNull()) {
            parts.addAll(textParts(content, path + ".content"));
        }
        JsonNode calls = m.get("tool_calls");
        if (calls != null && calls.isArray()) {
            for (int i = 0; i < calls.size(); i++) {
                JsonNode c = calls.get(i);
                String cp = path + ".tool_calls[" + i + "]";
                if (!"function".equals(c.path("type").asText("function"))) {
                    throw new TranslationException("only function tool calls can be translated", cp + ".type");
                }
                JsonNode f = c.path("function");
                parts.add(new Part.ToolCall(required(c, "id", cp), required(f, "name", cp + ".function"),
                        f.path("arguments").asText("{}")));
            }
        }
        return parts;
    }

    /** Content that may only hold text: a string, or an array of text (and refusal) parts. */
    private static List<Part> textParts(JsonNode content, String path) throws TranslationException {
        if (content == null || content.isNull()) {
            return List.of();
        }
        if (content.isTextual()) {
            return List.of(new Part.Text(content.asText()));
        }
        if (!content.isArray()) {
            throw new TranslationException("content must be a string or an array of parts", path);
        }
        List<Part> parts = new ArrayList<>();
        for (int i = 0; i < content.size(); i++) {
            JsonNode p = content.get(i);
            String type = p.path("type").asText("");
            switch (type) {
                case "text" -> parts.add(new Part.Text(p.path("text").asText("")));
                case "refusal" -> parts.add(new Part.Text(p.path("refusal").asText("")));
                default -> throw new TranslationException("a '" + type + "' part is not allowed here, only text",
                        path + "[" + i + "].type");
            }
        }
        return parts;
    }

    private static List<Part> userParts(JsonNode content, String path) throws TranslationException {
        if (content == null || content.isNull() || content.isTextual()) {
            return textParts(content, path);
        }
        if (!content.isArray()) {
            throw new TranslationException("content must be a string or an array of parts", path);
        }
        List<Part> parts = new ArrayList<>();
        for (int i = 0; i < content.size(); i++) {
            JsonNode p = content.get(i);
            String type = p.path("type").asText("");
            switch (type) {
                case "text" -> parts.add(new Part.Text(p.path("text").asText("")));
                case "image_url" -> {
                    String url = p.path("image_url").path("url").asText(null);
                    if (url == null) {
                        throw new TranslationException("an image_url part needs image_url.url",
                                path + "[" + i + "].image_url.url");
                    }
                    parts.add(Part.Image.fromUrl(url));
                }
                default -> throw new TranslationException("a '" + type + "' content part cannot be translated for "
                        + "this backend (text and image_url can)", path + "[" + i + "].type");
            }
        }
        return parts;
    }
}
