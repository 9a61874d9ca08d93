package dev.switchboard.providers.openai;

import static dev.switchboard.providers.openai.JsonFields.bool;
import static dev.switchboard.providers.openai.JsonFields.required;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.providers.TranslationException;
import dev.switchboard.providers.chat.ResponseFormat;
import dev.switchboard.providers.chat.ToolChoice;

/**
 * {@code tool_choice} and the response format as both OpenAI APIs write them: Chat Completions nests the function's
 * name ({@code {"type":"function","function":{"name"}}}) and the schema ({@code {"type":"json_schema",
 * "json_schema":{...}}}); the Responses API puts both at the top of the object.
 */
final class OpenAiChoices {
    private OpenAiChoices() {}

    /**
     * @param c      the {@code tool_choice} value, or null
     * @param nested whether the function's name is under {@code function} (Chat Completions)
     */
    static ToolChoice toolChoice(JsonNode c, boolean nested) throws TranslationException {
        if (c == null || c.isNull()) {
            return null;
        }
        if (c.isTextual()) {
            return switch (c.asText()) {
                case "auto" -> ToolChoice.AUTO;
                case "none" -> ToolChoice.NONE;
                case "required" -> ToolChoice.REQUIRED;
                default -> throw new TranslationException("tool_choice must be auto, none, required or a function",
                        "tool_choice");
            };
        }
        if ("function".equals(c.path("type").asText())) {
            return ToolChoice.tool(nested ? required(c.path("function"), "name", "tool_choice.function")
                    : required(c, "name", "tool_choice"));
        }
        throw new TranslationException("tool_choice of type '" + c.path("type").asText() + "' cannot be translated "
                + "for this backend; use auto, none, required or a function", "tool_choice.type");
    }

    /**
     * @param f      the format object ({@code response_format}, or the Responses API's {@code text.format}), or null
     * @param path   its path, for errors
     * @param nested whether the schema is under {@code json_schema} (Chat Completions)
     */
    static ResponseFormat responseFormat(JsonNode f, String path, boolean nested) throws TranslationException {
        if (f == null || f.isNull()) {
            return null;
        }
        return switch (f.path("type").asText()) {
            case "text" -> null;
            case "json_object" -> new ResponseFormat(ResponseFormat.Type.JSON_OBJECT, null, null, null);
            case "json_schema" -> {
                JsonNode s = nested ? f.path("json_schema") : f;
                yield new ResponseFormat(ResponseFormat.Type.JSON_SCHEMA, s.path("name").asText(null),
                        s.hasNonNull("schema") ? s.get("schema") : null, bool(s, "strict"));
            }
            default -> throw new TranslationException(path + " type must be text, json_object or json_schema",
                    path + ".type");
        };
    }
}
