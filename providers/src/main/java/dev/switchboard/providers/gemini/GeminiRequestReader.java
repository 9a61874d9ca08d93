package dev.switchboard.providers.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.providers.TranslationException;
import dev.switchboard.providers.chat.ChatRequest;
import dev.switchboard.providers.chat.Message;
import dev.switchboard.providers.chat.Part;
import dev.switchboard.providers.chat.ResponseFormat;
import dev.switchboard.providers.chat.Tool;
import dev.switchboard.providers.chat.ToolChoice;
import dev.switchboard.providers.wire.JsonBodies;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads a Gemini client's {@code generateContent} body (the Gemini API's and Vertex AI's are the same) into a
 * {@link ChatRequest}.
 *
 * <p>Mapping where it is not obvious:
 * <ul>
 *   <li>Roles {@code user} (or absent) and {@code function} (older SDKs' role for function responses) are user turns,
 *       {@code model} the assistant's.
 *   <li>{@code functionCall} → {@link Part.ToolCall} with {@code args} as JSON text; the call's {@code id}, or a
 *       generated {@code call_<n>}. Gemini pairs calls and responses by name and order, so a {@code functionResponse}
 *       without an id answers the oldest unanswered call of that name (and gets its id).
 *   <li>{@code functionResponse.response} → a {@link Part.ToolResult} whose text is the response object as JSON; it is
 *       an error result when the object has Gemini's {@code error} key and no {@code output}.
 *   <li>A {@code thought: true} text part → {@link Part.Thinking}; a {@code thoughtSignature} on any other part → a
 *       {@link Part.Thinking} with empty text and that signature just before the part (the convention this package's
 *       encoder reads back, putting the signature on the part that follows).
 *   <li>{@code parameters} and {@code responseSchema} (Gemini's OpenAPI subset) are made JSON Schema
 *       ({@link GeminiSchemas}); {@code parametersJsonSchema} and {@code responseJsonSchema} are kept as they are.
 *   <li>{@code thinkingConfig.thinkingBudget} → the budget; 0 (thinking off) → no thinking; -1 (dynamic) and
 *       {@code thinkingLevel} → an effort ({@code medium}, or the level's word). {@code includeThoughts} has no place:
 *       the other families return reasoning whenever it is on.
 *   <li>{@code seed}, {@code presencePenalty}, {@code frequencyPenalty} → extensions under OpenAI's names
 *       ({@code seed}, {@code presence_penalty}, {@code frequency_penalty}); a backend encoder without them rejects
 *       them by name.
 *   <li>{@code safetySettings}, {@code cachedContent}, {@code labels} and unknown top-level fields → extensions as
 *       they are; only a Gemini backend accepts them, every other family's encoder answers 400 naming the field.
 * </ul>
 * Dropped, harmless: {@code model} in the body (the path names it), {@code generationConfig.responseModalities}
 * when it is text only, {@code propertyOrdering}. Rejected (they change the answer and only Gemini has them):
 * {@code candidateCount} > 1, {@code responseLogprobs}/{@code logprobs}, other modalities, {@code speechConfig},
 * {@code mediaResolution}, enum output, non-function tools ({@code googleSearch}, {@code codeExecution}…), function
 * calling modes other than AUTO/ANY/NONE, ANY with several allowed names, parts other than text, inline data, file
 * data and function calls and responses.
 */
final class GeminiRequestReader {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Map<String, ArrayDeque<String>> unanswered = new HashMap<>();
    private int generatedIds;

    private GeminiRequestReader() {}

    static ChatRequest read(byte[] body, String pathModel, boolean stream) throws TranslationException {
        ObjectNode root = JsonBodies.object(body);
        return new GeminiRequestReader().request(root, pathModel, stream, "");
    }

    /** A {@code countTokens} body: {@code {contents}} or {@code {generateContentRequest}}. */
    static ChatRequest readCountTokens(byte[] body, String pathModel) throws TranslationException {
        ObjectNode root = JsonBodies.object(body);
        JsonNode inner = root.get("generateContentRequest");
        if (inner != null) {
            if (!inner.isObject()) {
                throw new TranslationException("generateContentRequest must be an object", "generateContentRequest");
            }
            String model = pathModel != null ? pathModel : stripModels(inner.path("model").asText(null));
            ObjectNode copy = ((ObjectNode) inner).deepCopy();
            copy.remove("model");
            return new GeminiRequestReader().request(copy, model, false, "generateContentRequest.");
        }
        return new GeminiRequestReader().request(root, pathModel, false, "");
    }

    private ChatRequest request(ObjectNode root, String model, boolean stream, String at) throws TranslationException {
        List<Message> messages = new ArrayList<>();
        JsonNode contents = root.path("contents");
        for (int i = 0; i < contents.size(); i++) {
            messages.add(content(contents.get(i), at + "contents[" + i + "]"));
        }
        List<Part> system = new ArrayList<>();
        JsonNode sys = root.get("systemInstruction");
        if (sys != null) {
            JsonNode parts = sys.path("parts");
            for (int j = 0; j < parts.size(); j++) {
                JsonNode p = parts.get(j);
                if (!p.path("text").isTextual()) {
                    throw new TranslationException("only text parts are supported in systemInstruction",
                            at + "systemInstruction.parts[" + j + "]");
                }
                system.add(new Part.Text(p.get("text").asText()));
            }
        }
        List<Tool> tools = tools(root.path("tools"), at);
        ToolChoice choice = toolChoice(root.path("toolConfig").path("functionCallingConfig"), at);
        ObjectNode extensions = JsonNodeFactory.instance.objectNode();
        Generation gen = new Generation(root.path("generationConfig"), at + "generationConfig", extensions);
        for (Map.Entry<String, JsonNode> f : root.properties()) {
            switch (f.getKey()) {
                case "contents", "systemInstruction", "tools", "toolConfig", "generationConfig", "model" -> { }
                default -> extensions.set(f.getKey(), f.getValue()); // safetySettings, cachedContent, labels, unknown
            }
        }
        return new ChatRequest(model, system, messages, tools, choice, null, gen.maxTokens, gen.temperature, gen.topP,
                gen.topK, gen.stop, gen.format, gen.thinking, stream, false, null,
                extensions.isEmpty() ? null : extensions);
    }

    private Message content(JsonNode c, String at) throws TranslationException {
        String role = c.path("role").asText("user");
        Message.Role r = switch (role) {
            case "user", "function", "" -> Message.Role.USER;
            case "model" -> Message.Role.ASSISTANT;
            default -> throw new TranslationException("unknown role '" + role + "'; use user or model", at + ".role");
        };
        List<Part> out = new ArrayList<>();
        JsonNode parts = c.path("parts");
        for (int j = 0; j < parts.size(); j++) {
            part(parts.get(j), at + ".parts[" + j + "]", out);
        }
        return new Message(r, out);
    }

    private void part(JsonNode p, String at, List<Part> out) throws TranslationException {
        String signature = p.path("thoughtSignature").asText(null);
        boolean thought = p.path("thought").asBoolean(false);
        if (signature != null && !thought) {
            out.add(new Part.Thinking("", signature));
        }
        if (p.has("text")) {
            String text = p.get("text").asText();
            out.add(thought ? new Part.Thinking(text, signature) : new Part.Text(text));
        } else if (p.has("inlineData")) {
            JsonNode d = p.get("inlineData");
            out.add(new Part.Image(null, d.path("mimeType").asText(null), d.path("data").asText()));
        } else if (p.has("fileData")) {
            JsonNode d = p.get("fileData");
            out.add(new Part.Image(d.path("fileUri").asText(), d.path("mimeType").asText(null), null));
        } else if (p.has("functionCall")) {
            JsonNode call = p.get("functionCall");
            String name = call.path("name").asText();
            String id = call.path("id").asText(null);
            if (id == null) {
                id = "call_" + generatedIds++;
            }
            unanswered.computeIfAbsent(name, n -> new ArrayDeque<>()).add(id);
            JsonNode args = call.get("args");
            out.add(new Part.ToolCall(id, name, args == null || args.isNull() ? "{}" : args.toString()));
        } else if (p.has("functionResponse")) {
            JsonNode res = p.get("functionResponse");
            String name = res.path("name").asText();
            ArrayDeque<String> pending = unanswered.get(name);
            String id = res.path("id").asText(null);
            if (id != null) {
                if (pending != null) {
                    pending.remove(id);
                }
            } else {
                id = pending != null && !pending.isEmpty() ? pending.poll() : "call_" + generatedIds++;
            }
            JsonNode response = res.path("response");
            boolean error = response.has("error") && !response.has("output");
            out.add(new Part.ToolResult(id, name, List.of(new Part.Text(response.toString())), error));
        } else {
            String kind = p.fieldNames().hasNext() ? p.fieldNames().next() : "(empty)";
            throw new TranslationException("part '" + kind + "' has no equivalent outside Gemini; send text, "
                    + "inlineData, fileData, functionCall or functionResponse parts", at + "." + kind);
        }
    }

    private static List<Tool> tools(JsonNode tools, String at) throws TranslationException {
        List<Tool> out = new ArrayList<>();
        for (int i = 0; i < tools.size(); i++) {
            JsonNode t = tools.get(i);
            for (Map.Entry<String, JsonNode> f : t.properties()) {
                if (!f.getKey().equals("functionDeclarations")) {
                    throw new TranslationException("tool '" + f.getKey() + "' is Gemini's own and this model's "
                            + "provider has no equivalent; offer function declarations only", at + "tools[" + i
                            + "]." + f.getKey());
                }
                for (JsonNode d : f.getValue()) {
                    JsonNode params = d.has("parametersJsonSchema") ? d.get("parametersJsonSchema")
                            : GeminiSchemas.toJsonSchema(d.get("parameters"));
                    out.add(new Tool(d.path("name").asText(), d.path("description").asText(null), params, null));
                }
            }
        }
        return out;
    }

    private static ToolChoice toolChoice(JsonNode config, String at) throws TranslationException {
        if (config.isMissingNode()) {
            return null;
        }
        String path = at + "toolConfig.functionCallingConfig";
        JsonNode names = config.path("allowedFunctionNames");
        return switch (config.path("mode").asText("MODE_UNSPECIFIED")) {
            case "AUTO" -> ToolChoice.AUTO;
            case "NONE" -> ToolChoice.NONE;
            case "ANY" -> {
                if (names.size() > 1) {
                    throw new TranslationException("ANY with several allowedFunctionNames has no equivalent outside "
                            + "Gemini; allow one function, or offer only the allowed ones", path + ".allowedFunctionNames");
                }
                yield names.size() == 1 ? ToolChoice.tool(names.get(0).asText()) : ToolChoice.REQUIRED;
            }
            case "MODE_UNSPECIFIED" -> null;
            default -> throw new TranslationException("function calling mode '" + config.path("mode").asText()
                    + "' has no equivalent outside Gemini; use AUTO, ANY or NONE", path + ".mode");
        };
    }

    static String stripModels(String model) {
        return model != null && model.startsWith("models/") ? model.substring(7) : model;
    }

    /** The {@code generationConfig} fields, read in one place. */
    private static final class Generation {
        Integer maxTokens;
        Double temperature;
        Double topP;
        Integer topK;
        List<String> stop = List.of();
        ResponseFormat format;
        ChatRequest.Thinking thinking;

        Generation(JsonNode g, String at, ObjectNode extensions) throws TranslationException {
            String mime = null;
            JsonNode schema = null;
            for (Map.Entry<String, JsonNode> f : g.properties()) {
                JsonNode v = f.getValue();
                String k = f.getKey();
                switch (k) {
                    case "maxOutputTokens" -> maxTokens = v.asInt();
                    case "temperature" -> temperature = v.asDouble();
                    case "topP" -> topP = v.asDouble();
                    case "topK" -> topK = v.asInt();
                    case "stopSequences" -> {
                        List<String> s = new ArrayList<>();
                        v.forEach(x -> s.add(x.asText()));
                        stop = s;
                    }
                    case "candidateCount" -> {
                        if (v.asInt(1) > 1) {
                            throw new TranslationException("candidateCount > 1 is not supported across providers; "
                                    + "send one request per candidate", at + ".candidateCount");
                        }
                    }
                    case "responseMimeType" -> mime = v.asText();
                    case "responseSchema" -> schema = GeminiSchemas.toJsonSchema(v);
                    case "responseJsonSchema" -> schema = v;
                    case "thinkingConfig" -> thinking = thinking(v);
                    case "seed" -> extensions.set("seed", v);
                    case "presencePenalty" -> extensions.set("presence_penalty", v);
                    case "frequencyPenalty" -> extensions.set("frequency_penalty", v);
                    case "responseModalities" -> {
                        for (JsonNode m : v) {
                            if (!m.asText().equals("TEXT")) {
                                throw new TranslationException("response modality " + m.asText() + " is not "
                                        + "supported across providers; ask for TEXT", at + ".responseModalities");
                            }
                        }
                    }
                    default -> throw new TranslationException("generationConfig." + k + " has no equivalent "
                            + "outside Gemini; remove it to use this model", at + "." + k);
                }
            }
            if (mime != null && !mime.equals("text/plain")) {
                if (!mime.equals("application/json")) {
                    throw new TranslationException("responseMimeType " + mime + " is not supported across "
                            + "providers; use application/json or text/plain", at + ".responseMimeType");
                }
                format = schema == null ? new ResponseFormat(ResponseFormat.Type.JSON_OBJECT, null, null, null)
                        : new ResponseFormat(ResponseFormat.Type.JSON_SCHEMA, "response", schema, null);
            }
        }

        private static ChatRequest.Thinking thinking(JsonNode t) {
            String level = t.path("thinkingLevel").asText(null);
            if (level != null) {
                return new ChatRequest.Thinking(null, level.toLowerCase(Locale.ROOT));
            }
            if (!t.has("thinkingBudget")) {
                return null;
            }
            int budget = t.get("thinkingBudget").asInt();
            return budget == 0 ? null : budget < 0 ? new ChatRequest.Thinking(null, "medium")
                    : new ChatRequest.Thinking(budget, null);
        }
    }
}
