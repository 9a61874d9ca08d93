package dev.switchboard.providers.chat;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * What shape the answer must have.
 *
 * @param type   JSON of any shape, or JSON that matches {@code schema}
 * @param name   the schema's name (OpenAI requires one), or null
 * @param schema the JSON schema, for {@link Type#JSON_SCHEMA}
 * @param strict OpenAI's strict flag, or null
 */
public record ResponseFormat(Type type, String name, JsonNode schema, Boolean strict) {
    public enum Type { JSON_OBJECT, JSON_SCHEMA }
}
