package dev.switchboard.providers.openai;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.providers.TranslationException;
import dev.switchboard.providers.chat.ChatRequest;
import dev.switchboard.providers.chat.Message;
import dev.switchboard.providers.chat.Part;
import dev.switchboard.providers.chat.ResponseFormat;
import dev.switchboard.providers.chat.Tool;
import dev.switchboard.providers.chat.ToolChoice;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Writes a {@link ChatRequest} as a Chat Completions request body, for OpenAI and the servers that speak its API
 * (vLLM, SGLang, Ollama) when the client spoke another format.
 *
 * <p>Mapping where it is not obvious:
 * <ul>
 *   <li>The system parts become one {@code system} message (a string for one part, text parts for several).</li>
 *   <li>A user turn's {@link Part.ToolResult}s become {@code tool} messages, in order; the turn's other parts follow
 *       them as one user message. {@code isError} has no field in OpenAI's tool message and is dropped: the result's
 *       text is what the model reads.</li>
 *   <li>{@link Part.Thinking} and {@link Part.RedactedThinking} on assistant turns are dropped: Chat Completions has
 *       no input for earlier reasoning (OpenAI discards it; vLLM's chat templates strip it too).</li>
 *   <li>{@code cacheControl} is dropped: OpenAI caches prompt prefixes on its own, vLLM by its prefix cache.</li>
 *   <li>{@code maxTokens} is written as {@code max_tokens}: vLLM, SGLang and Ollama read it, and OpenAI accepts it for
 *       every model but its reasoning models (which want {@code max_completion_tokens}).</li>
 *   <li>{@code topK} is written as {@code top_k}, which vLLM and SGLang accept; api.openai.com rejects it with a
 *       400, which the client then sees.</li>
 *   <li>A thinking budget without an effort becomes {@code reasoning_effort}: up to 4,096 tokens {@code low}, up to
 *       16,384 {@code medium}, more {@code high} (OpenAI's words for the same knob).</li>
 *   <li>A stream always asks for {@code stream_options.include_usage}: the gateway needs the counts for metrics and
 *       limits; the client-side encoder hides the usage chunk from a client that did not ask for it.</li>
 *   <li>{@link ChatRequest#extensions()} pass through when they are in {@link #EXTENSIONS}; any other is refused.</li>
 * </ul>
 */
final class OpenAiRequestWriter {
    /**
     * Extensions written through: OpenAI's own top-level fields that ChatRequest has no place for, and the sampling
     * and templating extras of vLLM and SGLang. Not {@code logit_bias} (token ids are the model's own; refused at
     * decode) nor {@code n}, {@code logprobs} and the like, for the same reason.
     */
    static final Set<String> EXTENSIONS = Set.of(
            // OpenAI
            "seed", "frequency_penalty", "presence_penalty", "verbosity", "service_tier", "store", "metadata",
            "prompt_cache_key", "safety_identifier",
            // vLLM and SGLang sampling and decoding extras
            "top_k", "min_p", "repetition_penalty", "length_penalty", "min_tokens", "ignore_eos", "stop_token_ids",
            "include_stop_str_in_output", "skip_special_tokens", "spaces_between_special_tokens",
            "chat_template", "chat_template_kwargs", "add_generation_prompt", "continue_final_message",
            "mm_processor_kwargs", "priority", "guided_json", "guided_regex", "guided_choice", "guided_grammar",
            "guided_decoding_backend", "structured_outputs", "regex", "ebnf", "separate_reasoning");

    private final ObjectMapper json;

    OpenAiRequestWriter(ObjectMapper json) {
        this.json = json;
    }

    byte[] write(ChatRequest r) throws TranslationException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(1024);
        try (JsonGenerator g = json.getFactory().createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("model", r.model());
            writeMessages(g, r);
            writeTools(g, r);
            if (r.parallelToolCalls() != null) {
                g.writeBooleanField("parallel_tool_calls", r.parallelToolCalls());
            }
            if (r.maxTokens() != null) {
                g.writeNumberField("max_tokens", r.maxTokens());
            }
            if (r.temperature() != null) {
                g.writeNumberField("temperature", r.temperature());
            }
            if (r.topP() != null) {
                g.writeNumberField("top_p", r.topP());
            }
            if (r.topK() != null) {
                g.writeNumberField("top_k", r.topK());
            }
            if (!r.stop().isEmpty()) {
                g.writeArrayFieldStart("stop");
                for (String s : r.stop()) {
                    g.writeString(s);
                }
                g.writeEndArray();
            }
            writeResponseFormat(g, r.responseFormat());
            writeEffort(g, r.thinking());
            if (r.stream()) {
                g.writeBooleanField("stream", true);
                g.writeObjectFieldStart("stream_options");
                g.writeBooleanField("include_usage", true);
                g.writeEndObject();
            }
            if (r.user() != null) {
                g.writeStringField("user", r.user());
            }
            writeExtensions(g, r);
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a byte array does not fail
        }
        return out.toByteArray();
    }

    private void writeMessages(JsonGenerator g, ChatRequest r) throws IOException, TranslationException {
        g.writeArrayFieldStart("messages");
        if (!r.system().isEmpty()) {
            g.writeStartObject();
            g.writeStringField("role", "system");
            g.writeFieldName("content");
            writeTextContent(g, r.system(), "system");
            g.writeEndObject();
        }
        for (int i = 0; i < r.messages().size(); i++) {
            Message m = r.messages().get(i);
            if (m.role() == Message.Role.ASSISTANT) {
                writeAssistant(g, m, "messages[" + i + "]");
            } else {
                writeUser(g, m, "messages[" + i + "]");
            }
        }
        g.writeEndArray();
    }

    private static void writeUser(JsonGenerator g, Message m, String path) throws IOException, TranslationException {
        List<Part> rest = new ArrayList<>();
        for (int i = 0; i < m.content().size(); i++) {
            Part p = m.content().get(i);
            if (p instanceof Part.ToolResult t) {
                g.writeStartObject();
                g.writeStringField("role", "tool");
                g.writeStringField("tool_call_id", t.toolCallId());
                g.writeFieldName("content");
                writeTextContent(g, t.content(), path + ".content[" + i + "]");
                g.writeEndObject();
            } else {
                rest.add(p);
            }
        }
        if (rest.isEmpty() && !m.content().isEmpty()) {
            return; // a turn of tool results only
        }
        g.writeStartObject();
        g.writeStringField("role", "user");
        g.writeFieldName("content");
        if (rest.size() == 1 && rest.getFirst() instanceof Part.Text t) {
            g.writeString(t.text());
        } else {
            g.writeStartArray();
            for (int i = 0; i < rest.size(); i++) {
                switch (rest.get(i)) {
                    case Part.Text t -> {
                        g.writeStartObject();
                        g.writeStringField("type", "text");
                        g.writeStringField("text", t.text());
                        g.writeEndObject();
                    }
                    case Part.Image img -> {
                        g.writeStartObject();
                        g.writeStringField("type", "image_url");
                        g.writeObjectFieldStart("image_url");
                        g.writeStringField("url", img.asUrl());
                        g.writeEndObject();
                        g.writeEndObject();
                    }
                    default -> throw new TranslationException("a user turn cannot hold a "
                            + rest.get(i).getClass().getSimpleName() + " part in the OpenAI format", path + ".content");
                }
            }
            g.writeEndArray();
        }
        g.writeEndObject();
    }

    private static void writeAssistant(JsonGenerator g, Message m, String path)
            throws IOException, TranslationException {
        StringBuilder text = null;
        List<Part.ToolCall> calls = new ArrayList<>();
        for (Part p : m.content()) {
            switch (p) {
                case Part.Text t -> text = (text == null ? new StringBuilder() : text).append(t.text());
                case Part.ToolCall c -> calls.add(c);
                case Part.Thinking ignored -> { } // no input for earlier reasoning: see the class comment
                case Part.RedactedThinking ignored -> { }
                default -> throw new TranslationException("an assistant turn cannot hold a "
                        + p.getClass().getSimpleName() + " part in the OpenAI format", path + ".content");
            }
        }
        g.writeStartObject();
        g.writeStringField("role", "assistant");
        if (text != null) {
            g.writeStringField("content", text.toString());
        } else {
            g.writeNullField("content");
        }
        if (!calls.isEmpty()) {
            g.writeArrayFieldStart("tool_calls");
            for (Part.ToolCall c : calls) {
                g.writeStartObject();
                g.writeStringField("id", c.id());
                g.writeStringField("type", "function");
                g.writeObjectFieldStart("function");
                g.writeStringField("name", c.name());
                g.writeStringField("arguments", c.arguments());
                g.writeEndObject();
                g.writeEndObject();
            }
            g.writeEndArray();
        }
        g.writeEndObject();
    }

    /** Text-only content: a string for one part, an array of text parts for several. */
    private static void writeTextContent(JsonGenerator g, List<Part> parts, String path)
            throws IOException, TranslationException {
        for (Part p : parts) {
            if (!(p instanceof Part.Text)) {
                throw new TranslationException("only text can go here in the OpenAI format, not a "
                        + p.getClass().getSimpleName() + " part", path);
            }
        }
        if (parts.size() == 1) {
            g.writeString(((Part.Text) parts.getFirst()).text());
            return;
        }
        g.writeStartArray();
        for (Part p : parts) {
            g.writeStartObject();
            g.writeStringField("type", "text");
            g.writeStringField("text", ((Part.Text) p).text());
            g.writeEndObject();
        }
        g.writeEndArray();
    }

    private void writeTools(JsonGenerator g, ChatRequest r) throws IOException {
        if (!r.tools().isEmpty()) {
            g.writeArrayFieldStart("tools");
            for (Tool t : r.tools()) {
                g.writeStartObject();
                g.writeStringField("type", "function");
                g.writeObjectFieldStart("function");
                g.writeStringField("name", t.name());
                if (t.description() != null) {
                    g.writeStringField("description", t.description());
                }
                if (t.parameters() != null) {
                    g.writeFieldName("parameters");
                    json.writeTree(g, t.parameters());
                }
                if (t.strict() != null) {
                    g.writeBooleanField("strict", t.strict());
                }
                g.writeEndObject();
                g.writeEndObject();
            }
            g.writeEndArray();
        }
        ToolChoice c = r.toolChoice();
        if (c != null) {
            switch (c.mode()) {
                case AUTO -> g.writeStringField("tool_choice", "auto");
                case NONE -> g.writeStringField("tool_choice", "none");
                case REQUIRED -> g.writeStringField("tool_choice", "required");
                case TOOL -> {
                    g.writeObjectFieldStart("tool_choice");
                    g.writeStringField("type", "function");
                    g.writeObjectFieldStart("function");
                    g.writeStringField("name", c.name());
                    g.writeEndObject();
                    g.writeEndObject();
                }
            }
        }
    }

    private void writeResponseFormat(JsonGenerator g, ResponseFormat f) throws IOException {
        if (f == null) {
            return;
        }
        g.writeObjectFieldStart("response_format");
        if (f.type() == ResponseFormat.Type.JSON_OBJECT) {
            g.writeStringField("type", "json_object");
        } else {
            g.writeStringField("type", "json_schema");
            g.writeObjectFieldStart("json_schema");
            g.writeStringField("name", f.name() != null ? f.name() : "response"); // OpenAI requires a name
            if (f.schema() != null) {
                g.writeFieldName("schema");
                json.writeTree(g, f.schema());
            }
            if (f.strict() != null) {
                g.writeBooleanField("strict", f.strict());
            }
            g.writeEndObject();
        }
        g.writeEndObject();
    }

    private static void writeEffort(JsonGenerator g, ChatRequest.Thinking t) throws IOException {
        if (t == null) {
            return;
        }
        if (t.effort() != null) {
            g.writeStringField("reasoning_effort", t.effort());
        } else if (t.budgetTokens() != null) {
            int b = t.budgetTokens();
            g.writeStringField("reasoning_effort", b <= 4096 ? "low" : b <= 16384 ? "medium" : "high");
        }
    }

    private void writeExtensions(JsonGenerator g, ChatRequest r) throws IOException, TranslationException {
        if (r.extensions() == null) {
            return;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = r.extensions().fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String name = e.getKey();
            if (!EXTENSIONS.contains(name)) {
                throw new TranslationException("field '" + name + "' has no equivalent in the OpenAI Chat "
                        + "Completions API; remove it or route to a backend of its own format", name);
            }
            if (name.equals("top_k") && r.topK() != null) {
                continue; // written from topK already
            }
            g.writeFieldName(name);
            json.writeTree(g, e.getValue());
        }
    }
}
