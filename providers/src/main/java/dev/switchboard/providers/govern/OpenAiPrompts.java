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
 * The prompt texts of OpenAI's bodies: Chat Completions ({@code messages}), completions ({@code prompt}), embeddings
 * ({@code input}) and the Responses API ({@code instructions}, {@code input}), in the shapes the codecs in
 * {@code providers.openai} read.
 */
final class OpenAiPrompts {
    private static final Set<String> CHAT_TEXT = Set.of("text");
    private static final Set<String> RESPONSES_TEXT = Set.of("input_text", "output_text");

    private OpenAiPrompts() {}

    /** {@code messages[].content}; an assistant's tool-call arguments and the tools count, but are no text. */
    static void chat(ObjectNode root, PromptSlots slots) throws TranslationException {
        ArrayNode messages = array(root, "messages", "messages");
        if (messages != null) {
            for (int i = 0; i < messages.size(); i++) {
                String path = "messages[" + i + "]";
                ObjectNode m = object(messages.get(i), path);
                slots.content(chatRole(m.path("role").asText("")), m, "content", path + ".content", CHAT_TEXT);
                ArrayNode calls = array(m, "tool_calls", path + ".tool_calls");
                if (calls != null) {
                    for (JsonNode call : calls) {
                        slots.count(call.path("function").get("name"));
                        slots.count(call.path("function").get("arguments"));
                    }
                }
            }
        }
        tools(root, slots);
    }

    private static Role chatRole(String role) {
        return switch (role) {
            case "system", "developer" -> Role.SYSTEM;
            case "assistant" -> Role.ASSISTANT;
            case "tool", "function" -> Role.TOOL;
            default -> Role.USER;
        };
    }

    /** A string or an array of strings, the user's (arrays of token ids hold no text). */
    static void strings(ObjectNode root, String field, PromptSlots slots) throws TranslationException {
        JsonNode v = root.get(field);
        if (v == null || v.isNull() || v.isTextual()) {
            slots.text(Role.USER, root, field);
        } else if (v.isArray()) {
            for (int i = 0; i < v.size(); i++) {
                slots.text(Role.USER, (ArrayNode) v, i);
            }
        } else {
            throw new TranslationException(field + " must be a string or an array", field);
        }
    }

    /** {@code instructions}, then {@code input}: a string, or items (messages, function calls and their outputs). */
    static void responses(ObjectNode root, PromptSlots slots) throws TranslationException {
        slots.text(Role.SYSTEM, root, "instructions");
        JsonNode input = root.get("input");
        if (input == null || input.isNull() || input.isTextual()) {
            slots.text(Role.USER, root, "input");
        } else if (input.isArray()) {
            for (int i = 0; i < input.size(); i++) {
                item(object(input.get(i), "input[" + i + "]"), "input[" + i + "]", slots);
            }
        } else {
            throw new TranslationException("input must be a string or an array of items", "input");
        }
        tools(root, slots);
    }

    private static void item(ObjectNode item, String path, PromptSlots slots) throws TranslationException {
        switch (item.path("type").asText("message")) {
            case "message" -> slots.content(responsesRole(item.path("role").asText("")), item, "content",
                    path + ".content", RESPONSES_TEXT);
            case "function_call_output" -> slots.content(Role.TOOL, item, "output", path + ".output", RESPONSES_TEXT);
            case "function_call" -> {
                slots.count(item.get("name"));
                slots.count(item.get("arguments"));
            }
            default -> { } // reasoning and other items hold no prompt text of the client's
        }
    }

    private static Role responsesRole(String role) {
        return switch (role) {
            case "system", "developer" -> Role.SYSTEM;
            case "assistant" -> Role.ASSISTANT;
            default -> Role.USER;
        };
    }

    /** Chat's {@code tools[].function} or the Responses API's flat {@code tools[]}. */
    private static void tools(ObjectNode root, PromptSlots slots) throws TranslationException {
        ArrayNode tools = array(root, "tools", "tools");
        if (tools != null) {
            for (JsonNode t : tools) {
                slots.tool(t.path("function").isObject() ? t.get("function") : t, "parameters");
            }
        }
    }
}
