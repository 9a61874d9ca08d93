package dev.switchboard.providers.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Locale;
import java.util.Map;

/**
 * Gemini's {@code Schema} (a subset of OpenAPI 3.0, used by {@code parameters} and {@code responseSchema}) as JSON
 * Schema, for a client's declarations sent on to another family: {@code type} words are upper case in Google's
 * examples ({@code OBJECT}, {@code STRING}) and become lower case; {@code nullable: true} becomes a
 * {@code [type, "null"]} pair; Gemini's {@code propertyOrdering} hint is dropped (it only orders the output). Every
 * other keyword ({@code properties}, {@code items}, {@code required}, {@code enum}, {@code format}, {@code anyOf},
 * {@code description}, {@code minimum}…) already means the same in JSON Schema and is kept.
 *
 * <p>The other way needs nothing: Gemini takes full JSON Schema in {@code parametersJsonSchema} and
 * {@code responseJsonSchema} (both documented for the Gemini API and Vertex AI), so schemas go there unchanged.
 */
final class GeminiSchemas {
    private GeminiSchemas() {}

    static JsonNode toJsonSchema(JsonNode schema) {
        if (schema == null || !schema.isObject()) {
            return schema;
        }
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        boolean nullable = schema.path("nullable").asBoolean(false);
        for (Map.Entry<String, JsonNode> f : schema.properties()) {
            String k = f.getKey();
            JsonNode v = f.getValue();
            switch (k) {
                case "nullable", "propertyOrdering" -> { }
                case "type" -> out.set(k, v.isTextual() ? out.textNode(v.asText().toLowerCase(Locale.ROOT)) : v);
                case "properties" -> {
                    ObjectNode props = out.putObject(k);
                    for (Map.Entry<String, JsonNode> p : v.properties()) {
                        props.set(p.getKey(), toJsonSchema(p.getValue()));
                    }
                }
                case "items" -> out.set(k, toJsonSchema(v));
                case "anyOf" -> {
                    ArrayNode any = out.putArray(k);
                    v.forEach(s -> any.add(toJsonSchema(s)));
                }
                default -> out.set(k, v);
            }
        }
        if (nullable && out.path("type").isTextual()) {
            ArrayNode both = JsonNodeFactory.instance.arrayNode().add(out.get("type").asText()).add("null");
            out.set("type", both);
        }
        return out;
    }
}
