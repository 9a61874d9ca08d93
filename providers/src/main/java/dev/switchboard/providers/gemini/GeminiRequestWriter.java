package dev.switchboard.providers.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.providers.TranslationException;
import dev.switchboard.providers.chat.ChatRequest;
import dev.switchboard.providers.chat.Message;
import dev.switchboard.providers.chat.Part;
import dev.switchboard.providers.chat.ResponseFormat;
import dev.switchboard.providers.chat.Tool;
import dev.switchboard.providers.chat.ToolChoice;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Writes a {@link ChatRequest} as a Gemini {@code generateContent} body (no {@code model}: the path names it).
 *
 * <p>Mapping where it is not obvious:
 * <ul>
 *   <li>Assistant turns are role {@code model}; tool results go in user turns as {@code functionResponse} parts named
 *       by {@link Part.ToolResult#name()} or else by the request's earlier tool call with that id (Gemini matches by
 *       name and order). {@code response} is the result text when it is a JSON object, else
 *       {@code {"output": text}}, or {@code {"error": text}} for a failed tool ({@code output} and {@code error} are
 *       the keys Google's FunctionResponse documents).
 *   <li>Call ids are not sent (Gemini pairs by name and order; older Vertex versions reject the field).
 *   <li>{@link Part.Thinking} with text → a {@code thought: true} part; its signature goes on the next part of the
 *       same turn that is not thinking (where Gemini puts it: the first function call, or the text), or on the thought
 *       part itself when nothing follows. Gemini validates these on function-call turns of thinking models, so a
 *       signature must come back where it was. {@link Part.RedactedThinking} (Anthropic-encrypted) means nothing to
 *       Gemini and is dropped.
 *   <li>Images: base64 → {@code inlineData}; a URL → {@code fileData{mimeType, fileUri}}, the type from
 *       {@link Part.Image#mediaType()} or guessed from the URL's extension, else {@code image/jpeg}. (The Gemini API
 *       takes its own file URIs there; Vertex AI also takes {@code gs://} and http(s) URLs.)
 *   <li>Tools → one {@code tools[{functionDeclarations}]} entry with the schema in {@code parametersJsonSchema}
 *       (full JSON Schema, no OpenAPI stripping needed); OpenAI's {@code strict} has no equivalent and is dropped
 *       (it only enforces the schema the model is given anyway).
 *   <li>Tool choice AUTO/NONE → the same mode, REQUIRED → ANY, a named tool → ANY with {@code allowedFunctionNames}.
 *       {@code parallelToolCalls: false} has no equivalent → 400.
 *   <li>JSON mode → {@code responseMimeType: application/json}; a schema → also {@code responseJsonSchema}.
 *   <li>Thinking: a budget → {@code thinkingConfig{thinkingBudget, includeThoughts: true}}; an effort alone → a budget
 *       of 1,024 (low), 8,192 (medium) or 24,576 (high, Gemini 2.5 Flash's maximum).
 *   <li>{@code user} is dropped (Gemini has no end-user field). Extensions allowed through: {@code safetySettings},
 *       {@code cachedContent}, {@code labels} (top level), and {@code seed}, {@code presence_penalty},
 *       {@code frequency_penalty} (into {@code generationConfig}); any other → 400 naming it.
 * </ul>
 */
final class GeminiRequestWriter {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> TOP_LEVEL_EXTENSIONS = Set.of("safetySettings", "cachedContent", "labels");
    private static final Map<String, String> GENERATION_EXTENSIONS = Map.of(
            "seed", "seed", "presence_penalty", "presencePenalty", "frequency_penalty", "frequencyPenalty");

    /** Thinking budgets for an effort word, in tokens. */
    static final int LOW_BUDGET = 1024;
    static final int MEDIUM_BUDGET = 8192;
    static final int HIGH_BUDGET = 24576;

    private GeminiRequestWriter() {}

    static byte[] write(ChatRequest r) throws TranslationException {
        ObjectNode root = JsonNodeFactory.instance.objectNode();
        Map<String, String> callNames = new HashMap<>();
        ArrayNode contents = root.putArray("contents");
        for (int i = 0; i < r.messages().size(); i++) {
            contents.add(content(r.messages().get(i), "messages[" + i + "]", callNames));
        }
        if (!r.system().isEmpty()) {
            ArrayNode parts = root.putObject("systemInstruction").putArray("parts");
            for (Part p : r.system()) {
                if (!(p instanceof Part.Text t)) {
                    throw new TranslationException("Gemini takes only text in a system instruction", "system");
                }
                parts.addObject().put("text", t.text());
            }
        }
        if (!r.tools().isEmpty()) {
            ArrayNode decls = root.putArray("tools").addObject().putArray("functionDeclarations");
            for (Tool t : r.tools()) {
                ObjectNode d = decls.addObject().put("name", t.name());
                if (t.description() != null) {
                    d.put("description", t.description());
                }
                if (t.parameters() != null) {
                    d.set("parametersJsonSchema", t.parameters());
                }
            }
        }
        if (r.toolChoice() != null) {
            toolConfig(r.toolChoice(), root.putObject("toolConfig").putObject("functionCallingConfig"));
        }
        if (Boolean.FALSE.equals(r.parallelToolCalls())) {
            throw new TranslationException("Gemini cannot be limited to one tool call per turn; remove "
                    + "parallel_tool_calls to use this model", "parallel_tool_calls");
        }
        ObjectNode gen = generation(r);
        extensions(r.extensions(), root, gen);
        if (!gen.isEmpty()) {
            root.set("generationConfig", gen);
        }
        try {
            return JSON.writeValueAsBytes(root);
        } catch (IOException e) {
            throw new IllegalStateException(e); // a tree of plain nodes always serializes
        }
    }

    private static ObjectNode content(Message m, String at, Map<String, String> callNames)
            throws TranslationException {
        ObjectNode c = JsonNodeFactory.instance.objectNode();
        c.put("role", m.role() == Message.Role.ASSISTANT ? "model" : "user");
        ArrayNode parts = c.putArray("parts");
        String signature = null; // waiting for the part it belongs on
        ObjectNode lastThought = null;
        List<Part> content = m.content();
        for (int j = 0; j < content.size(); j++) {
            Part p = content.get(j);
            String pat = at + ".content[" + j + "]";
            if (p instanceof Part.Thinking t) {
                if (!t.text().isEmpty()) {
                    lastThought = parts.addObject().put("text", t.text()).put("thought", true);
                }
                if (t.signature() != null) {
                    signature = t.signature();
                }
                continue;
            }
            if (p instanceof Part.RedactedThinking) {
                continue;
            }
            ObjectNode out = parts.addObject();
            switch (p) {
                case Part.Text t -> out.put("text", t.text());
                case Part.Image img -> image(img, out);
                case Part.ToolCall call -> {
                    callNames.put(call.id(), call.name());
                    out.putObject("functionCall").put("name", call.name()).set("args", args(call, pat));
                }
                case Part.ToolResult res -> functionResponse(res, out, pat, callNames);
                default -> throw new IllegalStateException("unhandled part " + p);
            }
            if (signature != null) {
                out.put("thoughtSignature", signature);
                signature = null;
            }
        }
        if (signature != null) {
            ObjectNode holder = lastThought != null ? lastThought : parts.addObject().put("text", "");
            holder.put("thoughtSignature", signature);
        }
        return c;
    }

    private static void image(Part.Image img, ObjectNode out) {
        if (img.base64() != null) {
            out.putObject("inlineData").put("mimeType", img.mediaType() != null ? img.mediaType() : "image/jpeg")
                    .put("data", img.base64());
        } else {
            out.putObject("fileData").put("mimeType", img.mediaType() != null ? img.mediaType() : guessType(img.url()))
                    .put("fileUri", img.url());
        }
    }

    /** An image's type from its URL's extension; {@code image/jpeg}, the commonest, when it has none we know. */
    static String guessType(String url) {
        String path = url.toLowerCase(Locale.ROOT);
        int end = path.length();
        for (char c : new char[] {'?', '#'}) {
            int i = path.indexOf(c);
            if (i >= 0 && i < end) {
                end = i;
            }
        }
        path = path.substring(0, end);
        if (path.endsWith(".png")) {
            return "image/png";
        } else if (path.endsWith(".webp")) {
            return "image/webp";
        } else if (path.endsWith(".gif")) {
            return "image/gif";
        } else if (path.endsWith(".heic")) {
            return "image/heic";
        } else if (path.endsWith(".heif")) {
            return "image/heif";
        }
        return "image/jpeg";
    }

    private static JsonNode args(Part.ToolCall call, String at) throws TranslationException {
        String a = call.arguments();
        if (a == null || a.isBlank()) {
            return JsonNodeFactory.instance.objectNode();
        }
        JsonNode n = parseOrNull(a);
        if (n == null || !n.isObject()) {
            throw new TranslationException("tool call " + call.id() + " has arguments that are not a JSON object; "
                    + "Gemini needs an object", at + ".arguments");
        }
        return n;
    }

    private static void functionResponse(Part.ToolResult res, ObjectNode out, String at, Map<String, String> names)
            throws TranslationException {
        String name = res.name() != null ? res.name() : names.get(res.toolCallId());
        if (name == null) {
            throw new TranslationException("tool result " + res.toolCallId() + " answers no tool call in this "
                    + "request, and Gemini needs the function's name; send the assistant turn with the call",
                    at + ".tool_call_id");
        }
        for (Part p : res.content()) {
            if (!(p instanceof Part.Text)) {
                throw new TranslationException("Gemini takes only text in a tool result here", at + ".content");
            }
        }
        String text = res.text();
        JsonNode parsed = res.isError() ? null : parseOrNull(text);
        ObjectNode response;
        if (parsed != null && parsed.isObject()) {
            response = (ObjectNode) parsed;
        } else {
            response = JsonNodeFactory.instance.objectNode().put(res.isError() ? "error" : "output", text);
        }
        out.putObject("functionResponse").put("name", name).set("response", response);
    }

    private static void toolConfig(ToolChoice choice, ObjectNode config) {
        switch (choice.mode()) {
            case AUTO -> config.put("mode", "AUTO");
            case NONE -> config.put("mode", "NONE");
            case REQUIRED -> config.put("mode", "ANY");
            case TOOL -> config.put("mode", "ANY").putArray("allowedFunctionNames").add(choice.name());
        }
    }

    private static ObjectNode generation(ChatRequest r) {
        ObjectNode g = JsonNodeFactory.instance.objectNode();
        if (r.maxTokens() != null) {
            g.put("maxOutputTokens", r.maxTokens());
        }
        if (r.temperature() != null) {
            g.put("temperature", r.temperature());
        }
        if (r.topP() != null) {
            g.put("topP", r.topP());
        }
        if (r.topK() != null) {
            g.put("topK", r.topK());
        }
        if (!r.stop().isEmpty()) {
            ArrayNode s = g.putArray("stopSequences");
            r.stop().forEach(s::add);
        }
        ResponseFormat f = r.responseFormat();
        if (f != null) {
            g.put("responseMimeType", "application/json");
            if (f.type() == ResponseFormat.Type.JSON_SCHEMA && f.schema() != null) {
                g.set("responseJsonSchema", f.schema());
            }
        }
        ChatRequest.Thinking t = r.thinking();
        if (t != null) {
            int budget = t.budgetTokens() != null ? t.budgetTokens() : budgetFor(t.effort());
            g.putObject("thinkingConfig").put("thinkingBudget", budget).put("includeThoughts", budget != 0);
        }
        return g;
    }

    static int budgetFor(String effort) {
        return switch (effort == null ? "medium" : effort) {
            case "minimal", "low" -> LOW_BUDGET;
            case "high" -> HIGH_BUDGET;
            default -> MEDIUM_BUDGET;
        };
    }

    private static void extensions(ObjectNode ext, ObjectNode root, ObjectNode gen) throws TranslationException {
        if (ext == null) {
            return;
        }
        for (Map.Entry<String, JsonNode> f : ext.properties()) {
            String k = f.getKey();
            if (TOP_LEVEL_EXTENSIONS.contains(k)) {
                root.set(k, f.getValue());
            } else if (GENERATION_EXTENSIONS.containsKey(k)) {
                gen.set(GENERATION_EXTENSIONS.get(k), f.getValue());
            } else {
                throw new TranslationException("field '" + k + "' has no equivalent in Gemini; remove it to use "
                        + "this model", k);
            }
        }
    }

    private static JsonNode parseOrNull(String s) {
        try {
            return JSON.readTree(s);
        } catch (IOException e) {
            return null;
        }
    }
}
