package dev.switchboard.providers.govern;

import static dev.switchboard.providers.govern.PromptSlots.array;
import static dev.switchboard.providers.govern.PromptSlots.object;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.providers.TranslationException;
import dev.switchboard.providers.govern.RequestDocument.Role;

/**
 * The prompt texts of a Gemini {@code GenerateContentRequest}: {@code systemInstruction.parts[].text}, then
 * {@code contents[].parts[].text}. Function calls and responses and the function declarations count as prompt
 * tokens but are no text. A countTokens body may wrap the request in {@code generateContentRequest}.
 */
final class GeminiPrompt {
    private GeminiPrompt() {}

    static void read(ObjectNode root, PromptSlots slots) throws TranslationException {
        JsonNode wrapped = root.get("generateContentRequest");
        ObjectNode request = wrapped != null && wrapped.isObject() ? (ObjectNode) wrapped : root;
        JsonNode system = request.get("systemInstruction");
        if (system != null && !system.isNull()) {
            parts(object(system, "systemInstruction"), Role.SYSTEM, "systemInstruction", slots);
        }
        ArrayNode contents = array(request, "contents", "contents");
        if (contents != null) {
            for (int i = 0; i < contents.size(); i++) {
                String path = "contents[" + i + "]";
                ObjectNode c = object(contents.get(i), path);
                parts(c, roleOf(c.path("role").asText("user")), path, slots);
            }
        }
        ArrayNode tools = array(request, "tools", "tools");
        if (tools != null) {
            for (JsonNode t : tools) {
                for (JsonNode d : t.path("functionDeclarations")) {
                    slots.tool(d, d.has("parametersJsonSchema") ? "parametersJsonSchema" : "parameters");
                }
            }
        }
    }

    private static Role roleOf(String role) {
        return switch (role) {
            case "model" -> Role.ASSISTANT;
            case "function", "tool" -> Role.TOOL;
            default -> Role.USER;
        };
    }

    private static void parts(ObjectNode content, Role role, String path, PromptSlots slots)
            throws TranslationException {
        ArrayNode parts = array(content, "parts", path + ".parts");
        if (parts == null) {
            return;
        }
        for (JsonNode p : parts) {
            slots.text(role, p, "text");
            if (p.has("inlineData") || p.has("fileData")) {
                slots.addMedia();
            }
            JsonNode call = p.get("functionCall");
            if (call != null) {
                slots.count(call.get("name"));
                slots.count(call.get("args"));
            }
            JsonNode response = p.get("functionResponse");
            if (response != null) {
                slots.count(response.get("response"));
            }
        }
    }
}
