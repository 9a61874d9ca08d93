package dev.switchboard.sim.server;

import dev.switchboard.core.model.ApproxChatTemplate;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeType;
import dev.switchboard.core.error.ApiError;
import dev.switchboard.core.model.ApproxTokenizer;
import java.io.IOException;
import java.util.Set;

/**
 * Validates an OpenAI request body the way vLLM does and turns it into a {@link ParsedRequest}, or an
 * {@link ApiError} (400 for bad input, 404 for an unknown model).
 */
final class RequestParser {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> ROLES = Set.of("system", "developer", "user", "assistant", "tool");

    private final String servedModel;
    private final Set<String> adapters;
    private final int maxModelLen;
    private final int meanOutputTokens;

    RequestParser(String servedModel, Set<String> adapters, int maxModelLen, int meanOutputTokens) {
        this.servedModel = servedModel;
        this.adapters = adapters;
        this.maxModelLen = maxModelLen;
        this.meanOutputTokens = meanOutputTokens;
    }

    /** Thrown for input the simulator refuses; carries the client-facing error. */
    static final class Rejected extends Exception {
        private static final long serialVersionUID = 1L;
        final transient ApiError error;

        Rejected(ApiError error) {
            super(error.message(), null, false, false);
            this.error = error;
        }
    }

    static JsonNode readObject(byte[] body) throws Rejected {
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (JsonProcessingException e) {
            throw new Rejected(ApiError.badRequest("The request body is not valid JSON: " + e.getOriginalMessage(), null));
        } catch (IOException e) {
            throw new Rejected(ApiError.badRequest("The request body could not be read: " + e.getMessage(), null));
        }
        if (root == null || !root.isObject()) {
            throw new Rejected(ApiError.badRequest("The request body must be a JSON object.", null));
        }
        return root;
    }

    ParsedRequest parse(Api api, JsonNode root) throws Rejected {
        String model = requiredString(root, "model");
        String adapter = null;
        if (!model.equals(servedModel)) {
            if (!adapters.contains(model)) {
                throw new Rejected(new ApiError(404, ApiError.NOT_FOUND, "The model `" + model + "` does not exist.",
                        "model", "model_not_found"));
            }
            adapter = model;
        }
        long[] ids = switch (api) {
            case CHAT -> ApproxTokenizer.ids(chatPrompt(root));
            case COMPLETION -> completionPrompt(root);
            case EMBEDDING -> embeddingInput(root);
        };
        if (ids.length == 0) {
            throw new Rejected(ApiError.badRequest("The prompt is empty.", api == Api.CHAT ? "messages" : "prompt"));
        }
        if (ids.length >= maxModelLen) {
            throw new Rejected(ApiError.badRequest("This model's maximum context length is " + maxModelLen
                    + " tokens. However, your request has " + ids.length
                    + " input tokens. Please reduce the length of the input messages.", "input_tokens"));
        }
        boolean stream = optionalBoolean(root, "stream", false);
        boolean includeUsage = false;
        JsonNode options = root.get("stream_options");
        if (options != null && !options.isNull()) {
            if (!options.isObject()) {
                throw typeError("stream_options", "an object");
            }
            includeUsage = optionalBoolean(options, "include_usage", false);
        }
        long seed = root.hasNonNull("seed") ? integer(root, "seed", Long.MIN_VALUE) : ids.length * 31L + ids[0];
        checkN(root);
        checkTemperature(root);
        if (api == Api.EMBEDDING) {
            String format = root.hasNonNull("encoding_format") ? requiredString(root, "encoding_format") : "float";
            if (!format.equals("float") && !format.equals("base64")) {
                throw new Rejected(ApiError.badRequest("encoding_format must be 'float' or 'base64', got '" + format + "'.",
                        "encoding_format"));
            }
            return new ParsedRequest(api, model, adapter, ids, 0, 0, false, false, seed, format.equals("base64"));
        }
        int room = maxModelLen - ids.length;
        String maxField = root.hasNonNull("max_completion_tokens") ? "max_completion_tokens" : "max_tokens";
        int maxTokens = room;
        if (root.hasNonNull(maxField)) {
            long requested = integer(root, maxField, 1);
            if (requested > room) {
                throw new Rejected(ApiError.badRequest("'max_tokens' or 'max_completion_tokens' is too large: "
                        + requested + ". This model's maximum context length is " + maxModelLen
                        + " tokens and your request has " + ids.length + " input tokens (" + requested + " > "
                        + maxModelLen + " - " + ids.length + ").", maxField));
            }
            maxTokens = (int) requested;
        }
        boolean ignoreEos = optionalBoolean(root, "ignore_eos", false);
        int output = ignoreEos ? maxTokens : Math.min(maxTokens, naturalLength(seed));
        return new ParsedRequest(api, model, adapter, ids, maxTokens, output, stream, includeUsage, seed, false);
    }

    /** Where the model would stop on its own: uniform in [mean/2, 3 mean/2], from the request's seed. */
    int naturalLength(long seed) {
        long h = seed * 0x9E3779B97F4A7C15L;
        h ^= h >>> 29;
        return Math.max(1, meanOutputTokens / 2 + (int) Math.floorMod(h, (long) meanOutputTokens + 1));
    }

    /** The chat template ({@link ApproxChatTemplate}) applied to {@code messages}. */
    private static String chatPrompt(JsonNode root) throws Rejected {
        JsonNode messages = root.get("messages");
        if (messages == null || messages.isNull()) {
            throw new Rejected(ApiError.badRequest("Missing required parameter: 'messages'.", "messages"));
        }
        if (!messages.isArray() || messages.isEmpty()) {
            throw new Rejected(ApiError.badRequest("'messages' must be a non-empty array of message objects.", "messages"));
        }
        StringBuilder prompt = new StringBuilder();
        for (int i = 0; i < messages.size(); i++) {
            JsonNode m = messages.get(i);
            String where = "messages[" + i + "]";
            if (!m.isObject()) {
                throw typeError(where, "an object");
            }
            JsonNode role = m.get("role");
            if (role == null || !role.isTextual() || !ROLES.contains(role.asText())) {
                throw new Rejected(ApiError.badRequest(where + ".role must be one of " + ROLES + ".", where + ".role"));
            }
            ApproxChatTemplate.open(prompt, role.asText());
            appendContent(prompt, m.get("content"), where + ".content");
            ApproxChatTemplate.close(prompt);
        }
        return ApproxChatTemplate.end(prompt);
    }

    private static void appendContent(StringBuilder prompt, JsonNode content, String where) throws Rejected {
        if (content == null || content.isNull()) {
            return;
        }
        if (content.isTextual()) {
            prompt.append(content.asText());
            return;
        }
        if (!content.isArray()) {
            throw typeError(where, "a string or an array of content parts");
        }
        for (int i = 0; i < content.size(); i++) {
            JsonNode part = content.get(i);
            JsonNode text = part.get("text");
            if (!part.isObject() || text == null || !text.isTextual()) {
                throw new Rejected(ApiError.badRequest(where + "[" + i + "] must be a text part {\"type\":\"text\",\"text\":...}; "
                        + "the simulator serves text only.", where));
            }
            prompt.append(text.asText());
        }
    }

    private static long[] completionPrompt(JsonNode root) throws Rejected {
        JsonNode prompt = root.get("prompt");
        if (prompt == null || prompt.isNull()) {
            throw new Rejected(ApiError.badRequest("Missing required parameter: 'prompt'.", "prompt"));
        }
        return textOrTokens(prompt, "prompt");
    }

    private static long[] embeddingInput(JsonNode root) throws Rejected {
        JsonNode input = root.get("input");
        if (input == null || input.isNull()) {
            throw new Rejected(ApiError.badRequest("Missing required parameter: 'input'.", "input"));
        }
        return textOrTokens(input, "input");
    }

    /** A string, a one-element array of strings, or an array of token ids. */
    private static long[] textOrTokens(JsonNode node, String field) throws Rejected {
        if (node.isTextual()) {
            return ApproxTokenizer.ids(node.asText());
        }
        if (node.isArray() && node.size() == 1 && node.get(0).isTextual()) {
            return ApproxTokenizer.ids(node.get(0).asText());
        }
        if (node.isArray() && !node.isEmpty()) {
            long[] ids = new long[node.size()];
            for (int i = 0; i < ids.length; i++) {
                JsonNode t = node.get(i);
                if (!t.canConvertToLong() || !t.isIntegralNumber() || t.asLong() < 0) {
                    throw new Rejected(ApiError.badRequest(field + " must be a string, an array with one string, or an"
                            + " array of token ids (non-negative integers); element " + i + " is " + describe(t) + ".", field));
                }
                ids[i] = t.asLong();
            }
            return ids;
        }
        throw typeError(field, "a string, an array with one string, or an array of token ids");
    }

    private static void checkN(JsonNode root) throws Rejected {
        if (root.hasNonNull("n") && integer(root, "n", 1) != 1) {
            throw new Rejected(ApiError.badRequest("The simulator generates one choice per request; n must be 1.", "n"));
        }
    }

    private static void checkTemperature(JsonNode root) throws Rejected {
        JsonNode t = root.get("temperature");
        if (t != null && !t.isNull() && (!t.isNumber() || t.asDouble() < 0 || t.asDouble() > 2)) {
            throw new Rejected(ApiError.badRequest("temperature must be a number between 0 and 2, got " + t + ".",
                    "temperature"));
        }
    }

    private static String requiredString(JsonNode root, String field) throws Rejected {
        JsonNode v = root.get(field);
        if (v == null || v.isNull()) {
            throw new Rejected(ApiError.badRequest("Missing required parameter: '" + field + "'.", field));
        }
        if (!v.isTextual()) {
            throw typeError(field, "a string");
        }
        return v.asText();
    }

    private static boolean optionalBoolean(JsonNode root, String field, boolean dflt) throws Rejected {
        JsonNode v = root.get(field);
        if (v == null || v.isNull()) {
            return dflt;
        }
        if (!v.isBoolean()) {
            throw typeError(field, "a boolean");
        }
        return v.asBoolean();
    }

    private static long integer(JsonNode root, String field, long min) throws Rejected {
        JsonNode v = root.get(field);
        if (!v.isIntegralNumber() || !v.canConvertToLong()) {
            throw typeError(field, "an integer");
        }
        long value = v.asLong();
        if (value < min) {
            throw new Rejected(ApiError.badRequest(field + " must be at least " + min + ", got " + value + ".", field));
        }
        return value;
    }

    private static Rejected typeError(String field, String expected) {
        return new Rejected(ApiError.badRequest("Invalid type for '" + field + "': expected " + expected + ".", field));
    }

    private static String describe(JsonNode n) {
        return n.getNodeType() == JsonNodeType.STRING ? "a string" : n.getNodeType().name().toLowerCase();
    }
}
