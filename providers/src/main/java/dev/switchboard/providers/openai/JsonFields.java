package dev.switchboard.providers.openai;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.providers.TranslationException;

/**
 * Typed reads of a request's JSON fields: null when absent or null, a {@link TranslationException} naming the field
 * when of the wrong type.
 */
final class JsonFields {
    private JsonFields() {}

    static JsonNode array(JsonNode root, String field) throws TranslationException {
        JsonNode a = root.get(field);
        if (a == null || !a.isArray()) {
            throw new TranslationException(field + " must be an array", field);
        }
        return a;
    }

    static String required(JsonNode node, String field, String path) throws TranslationException {
        JsonNode v = node.get(field);
        if (v == null || !v.isTextual()) {
            throw new TranslationException(field + " is required", path + "." + field);
        }
        return v.asText();
    }

    static String text(JsonNode node, String field) throws TranslationException {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw new TranslationException(field + " must be a string", field);
        }
        return v.asText();
    }

    static Integer integer(JsonNode node, String field) throws TranslationException {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.canConvertToInt() || !v.isIntegralNumber()) {
            throw new TranslationException(field + " must be an integer", field);
        }
        return v.asInt();
    }

    static Double number(JsonNode node, String field) throws TranslationException {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isNumber()) {
            throw new TranslationException(field + " must be a number", field);
        }
        return v.asDouble();
    }

    static Boolean bool(JsonNode node, String field) throws TranslationException {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isBoolean()) {
            throw new TranslationException(field + " must be true or false", field);
        }
        return v.asBoolean();
    }
}
