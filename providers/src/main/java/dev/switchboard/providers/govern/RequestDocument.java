package dev.switchboard.providers.govern;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.model.ApproxTokenizer;
import dev.switchboard.providers.ClientApi;
import dev.switchboard.providers.TranslationException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A client's request body opened for governance, in the client's own API: the prompt's texts for guardrails (which may
 * redact them), the prompt-token estimate and the output bound for the rate limiter, and the edits those make (a
 * granted bound, a stream asked to report its usage). {@link #bytes()} is then the body the call is planned from.
 *
 * <p>The body is parsed once into a tree; each text keeps its place (its parent node and field name or index), so a
 * replacement is written in place and everything else, field order included, is written back as it was. Not
 * thread-safe: one request's, on its own thread.
 */
public final class RequestDocument {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ClientApi api;
    private final byte[] original;
    private final ObjectNode root;
    private final List<PromptSlots.Slot> slots;
    private final List<Text> texts;
    private final long otherTokens;
    private final int mediaParts;
    private long maxOutputTokens;
    private boolean edited;

    /** One prompt text: who says it, and what. */
    public record Text(Role role, String text) {}

    /** Who a prompt text is from, as the model reads it. */
    public enum Role { SYSTEM, USER, ASSISTANT, TOOL }

    private RequestDocument(ClientApi api, byte[] original, ObjectNode root, PromptSlots found, long maxOutputTokens) {
        this.api = api;
        this.maxOutputTokens = maxOutputTokens;
        this.original = original;
        this.root = root;
        this.slots = found.slots();
        this.otherTokens = found.otherTokens();
        this.mediaParts = found.mediaParts();
        List<Text> t = new ArrayList<>(slots.size());
        for (PromptSlots.Slot s : slots) {
            t.add(new Text(s.role(), s.text()));
        }
        this.texts = t;
    }

    /**
     * Opens {@code body}, a request to {@code api}.
     *
     * @throws TranslationException (message + param) when the body is not a JSON object, or a field has the wrong
     *                              type (the param names it)
     */
    public static RequestDocument parse(ClientApi api, byte[] body) throws TranslationException {
        JsonNode tree;
        try {
            tree = JSON.readTree(body);
        } catch (IOException e) {
            tree = null;
        }
        if (tree == null || !tree.isObject()) {
            throw new TranslationException("the request body is not a JSON object", null);
        }
        ObjectNode root = (ObjectNode) tree;
        PromptSlots found = new PromptSlots();
        switch (api) {
            case OPENAI_CHAT -> OpenAiPrompts.chat(root, found);
            case OPENAI_COMPLETIONS -> OpenAiPrompts.strings(root, "prompt", found);
            case OPENAI_EMBEDDINGS -> OpenAiPrompts.strings(root, "input", found);
            case OPENAI_RESPONSES -> OpenAiPrompts.responses(root, found);
            case ANTHROPIC_MESSAGES, ANTHROPIC_COUNT_TOKENS -> AnthropicPrompt.read(root, found);
            case GEMINI_GENERATE, GEMINI_STREAM_GENERATE, GEMINI_COUNT_TOKENS -> GeminiPrompt.read(root, found);
        }
        OutputBound bound = OutputBound.of(api);
        return new RequestDocument(api, body, root, found, bound == null ? 0 : bound.read(root));
    }

    /** The prompt's texts in document order: one per JSON string the model reads as prompt text. */
    public List<Text> texts() {
        return Collections.unmodifiableList(texts);
    }

    /**
     * Replaces the texts: {@code replacement} has the same count and order as {@link #texts()}; only the strings
     * that changed are rewritten.
     *
     * @throws IllegalArgumentException when the count differs
     */
    public void replaceTexts(List<String> replacement) {
        if (replacement.size() != texts.size()) {
            throw new IllegalArgumentException("expected " + texts.size() + " texts, got " + replacement.size());
        }
        for (int i = 0; i < replacement.size(); i++) {
            String now = replacement.get(i);
            Text was = texts.get(i);
            if (!was.text().equals(now)) {
                slots.get(i).set(now);
                texts.set(i, new Text(was.role(), now));
                edited = true;
            }
        }
    }

    /**
     * Estimated prompt tokens ({@link ApproxTokenizer}): every text as it is now, plus what the model reads beside
     * them (tool definitions' name, description and parameters JSON, tool calls' arguments, function responses).
     * Media parts are not counted ({@link #mediaParts()}).
     */
    public long promptTokens() {
        long n = otherTokens;
        for (Text t : texts) {
            n += ApproxTokenizer.count(t.text());
        }
        return n;
    }

    /**
     * Parts of the prompt that {@link #promptTokens()} cannot count (images, audio, documents): the model reads them
     * as tokens the gateway does not know before the backend says.
     */
    public int mediaParts() {
        return mediaParts;
    }

    /** Whether this API generates output (false for embeddings and token counts). */
    public boolean generates() {
        return OutputBound.of(api) != null;
    }

    /** The client's output bound, or -1 when it set none (0 for an API that generates nothing). */
    public long maxOutputTokens() {
        return maxOutputTokens;
    }

    /** Writes {@code n} as the output bound in the API's own field; nothing for an API that generates nothing. */
    public void setMaxOutputTokens(long n) {
        OutputBound bound = OutputBound.of(api);
        if (bound != null) {
            bound.write(root, n);
            maxOutputTokens = n;
            edited = true;
        }
    }

    /**
     * For an OpenAI Chat Completions stream that did not ask for {@code stream_options.include_usage}: asks for it
     * (the stream then ends with a usage chunk), and says whether the body changed. Other APIs report their usage
     * anyway: false.
     */
    public boolean requestUsage() {
        if (api != ClientApi.OPENAI_CHAT || !root.path("stream").asBoolean(false)
                || root.path("stream_options").path("include_usage").asBoolean(false)) {
            return false;
        }
        JsonNode options = root.get("stream_options");
        ObjectNode o = options instanceof ObjectNode existing ? existing : root.putObject("stream_options");
        o.put("include_usage", true);
        edited = true;
        return true;
    }

    /** Whether anything was written since the body was parsed. */
    public boolean edited() {
        return edited;
    }

    /** The body to send: the original bytes when nothing was edited, else the tree written back (field order kept). */
    public byte[] bytes() {
        if (!edited) {
            return original;
        }
        try {
            return JSON.writeValueAsBytes(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a parsed tree is always writable", e);
        }
    }
}
