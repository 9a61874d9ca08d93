package dev.switchboard.providers.govern;

import static dev.switchboard.providers.govern.PromptSlots.array;
import static dev.switchboard.providers.govern.PromptSlots.object;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.providers.TranslationException;
import dev.switchboard.providers.govern.RequestDocument.Role;
import java.util.Set;

/**
 * The prompt texts of an Anthropic Messages body (and of a count_tokens body, the same shape): {@code system}, then
 * {@code messages[].content}, whose {@code tool_result} blocks are the tools' texts. Tool-use inputs, thinking
 * blocks sent back and the tool definitions count as prompt tokens but are no text for guardrails.
 */
final class AnthropicPrompt {
    private static final Set<String> TEXT = Set.of("text");

    private AnthropicPrompt() {}

    static void read(ObjectNode root, PromptSlots slots) throws TranslationException {
        slots.content(Role.SYSTEM, root, "system", "system", TEXT);
        ArrayNode messages = array(root, "messages", "messages");
        if (messages != null) {
            for (int i = 0; i < messages.size(); i++) {
                String path = "messages[" + i + "]";
                ObjectNode m = object(messages.get(i), path);
                Role role = m.path("role").asText("").equals("assistant") ? Role.ASSISTANT : Role.USER;
                JsonNode content = m.get("content");
                if (content != null && content.isArray()) {
                    blocks((ArrayNode) content, role, path + ".content", slots);
                } else {
                    slots.content(role, m, "content", path + ".content", TEXT);
                }
            }
        }
        ArrayNode tools = array(root, "tools", "tools");
        if (tools != null) {
            for (JsonNode t : tools) {
                slots.tool(t, "input_schema");
            }
        }
    }

    private static void blocks(ArrayNode blocks, Role role, String path, PromptSlots slots)
            throws TranslationException {
        for (int j = 0; j < blocks.size(); j++) {
            JsonNode b = blocks.get(j);
            switch (b.path("type").asText("")) {
                case "text" -> slots.text(role, b, "text");
                case "tool_result" -> slots.content(Role.TOOL, b, "content", path + "[" + j + "].content", TEXT);
                case "tool_use" -> {
                    slots.count(b.get("name"));
                    slots.count(b.get("input"));
                }
                case "thinking" -> slots.count(b.get("thinking"));
                case "redacted_thinking" -> { } // opaque to us, and not read again as prompt by the model
                default -> slots.addMedia(); // images, documents: no text a guardrail reads, tokens no count covers
            }
        }
    }
}
