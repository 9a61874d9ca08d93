package dev.switchboard.providers.govern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.switchboard.core.model.ApproxTokenizer;
import dev.switchboard.providers.TranslationException;
import dev.switchboard.providers.govern.RequestDocument.Role;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * What a prompt reader found in a request tree: each prompt text with the place it lives (its parent node and field
 * name or index, so a replacement is written in place), and the tokens of what the model reads but guardrails do not
 * (tool definitions, tool-call arguments, function responses). Also the type checks the readers share, which name the
 * field at fault.
 */
final class PromptSlots {
    private final List<Slot> slots = new ArrayList<>();
    private long otherTokens;
    private int media;

    /** One prompt string's place: {@code field} of an object, or {@code index} of an array. */
    record Slot(Role role, JsonNode parent, String field, int index) {
        String text() {
            return (field != null ? parent.get(field) : parent.get(index)).textValue();
        }

        void set(String text) {
            if (field != null) {
                ((ObjectNode) parent).put(field, text);
            } else {
                ((ArrayNode) parent).set(index, TextNode.valueOf(text));
            }
        }
    }

    List<Slot> slots() {
        return slots;
    }

    long otherTokens() {
        return otherTokens;
    }

    /** Parts the model reads that no count covers: images, audio, documents. */
    int mediaParts() {
        return media;
    }

    /** One such part. */
    void addMedia() {
        media++;
    }

    /** {@code holder.field} when it is a string (anything else holds no text of this kind). */
    void text(Role role, JsonNode holder, String field) {
        JsonNode v = holder.get(field);
        if (v != null && v.isTextual()) {
            slots.add(new Slot(role, holder, field, -1));
        }
    }

    /** Element {@code index} of {@code array} when it is a string. */
    void text(Role role, ArrayNode array, int index) {
        if (array.get(index).isTextual()) {
            slots.add(new Slot(role, array, null, index));
        }
    }

    /**
     * A content field: a string, or an array of parts of which those whose {@code type} is one of {@code textTypes}
     * hold their text in {@code text} (other parts, such as images, hold none).
     */
    void content(Role role, JsonNode holder, String field, String path, Set<String> textTypes)
            throws TranslationException {
        JsonNode v = holder.get(field);
        if (v == null || v.isNull() || v.isTextual()) {
            text(role, holder, field);
            return;
        }
        if (!v.isArray()) {
            throw new TranslationException(path + " must be a string or an array of content parts", path);
        }
        for (JsonNode part : v) {
            if (part.isObject() && textTypes.contains(part.path("type").asText(""))) {
                text(role, part, "text");
            } else {
                addMedia();
            }
        }
    }

    /** Counts {@code value} as prompt tokens: a string's text, anything else as its JSON. */
    void count(JsonNode value) {
        if (value == null || value.isNull() || value.isMissingNode()) {
            return;
        }
        otherTokens += ApproxTokenizer.count(value.isTextual() ? value.textValue() : value.toString());
    }

    /** A tool definition's name, description and parameter schema (in {@code schemaField}). */
    void tool(JsonNode definition, String schemaField) {
        if (definition.isObject()) {
            count(definition.get("name"));
            count(definition.get("description"));
            count(definition.get(schemaField));
        }
    }

    /** {@code parent.field} as an array, or null when absent or null; anything else is refused by its path. */
    static ArrayNode array(JsonNode parent, String field, String path) throws TranslationException {
        JsonNode v = parent.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isArray()) {
            throw new TranslationException(path + " must be an array", path);
        }
        return (ArrayNode) v;
    }

    /** {@code node} as an object; anything else is refused by its path. */
    static ObjectNode object(JsonNode node, String path) throws TranslationException {
        if (!node.isObject()) {
            throw new TranslationException(path + " must be an object", path);
        }
        return (ObjectNode) node;
    }
}
