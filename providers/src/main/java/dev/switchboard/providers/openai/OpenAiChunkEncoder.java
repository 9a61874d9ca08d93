package dev.switchboard.providers.openai;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.switchboard.providers.ResponseContext;
import dev.switchboard.providers.chat.ChatError;
import dev.switchboard.providers.chat.ChatEvents;
import dev.switchboard.providers.chat.FinishReason;
import dev.switchboard.providers.chat.Usage;
import dev.switchboard.providers.wire.ByteSink;
import dev.switchboard.providers.wire.Chars;
import dev.switchboard.providers.wire.SseWriter;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Writes events as a streamed Chat Completions answer, as OpenAI sends one: a first chunk with
 * {@code role: "assistant", content: ""}; a chunk per text delta ({@code content}), reasoning delta
 * ({@code reasoning_content}, as vLLM and DeepSeek send it), tool call start ({@code id}, {@code name},
 * {@code arguments: ""}) and arguments delta; a chunk with {@code finish_reason}; then, only when the client asked
 * ({@link ResponseContext#includeUsage()}), a chunk with {@code choices: []} and the usage; then {@code data: [DONE]}.
 * An error after the start is an event {@code data: {"error":{...}}} and the stream's end (no {@code [DONE]}), as
 * OpenAI does. Thinking signatures and redacted thinking have no OpenAI shape and are not written.
 */
final class OpenAiChunkEncoder implements ChatEvents {
    private final ResponseContext context;
    private final SseWriter sse;
    private String id;
    private Usage usage = Usage.UNKNOWN;
    private boolean closed;

    OpenAiChunkEncoder(ResponseContext context, ByteSink out) {
        this.context = context;
        this.sse = new SseWriter(out);
    }

    @Override
    public void start(String backendId, String backendModel) {
        id = backendId != null ? backendId : "chatcmpl-" + context.requestId();
        try {
            JsonGenerator g = begin();
            g.writeStringField("role", "assistant");
            g.writeStringField("content", "");
            finishChunk(g, null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void text(CharSequence delta) {
        deltaField("content", delta);
    }

    @Override
    public void thinking(CharSequence delta) {
        deltaField("reasoning_content", delta);
    }

    @Override
    public void thinkingSignature(String signature) {
        // no OpenAI field for it
    }

    @Override
    public void redactedThinking(String data) {
        // no OpenAI field for it
    }

    @Override
    public void toolCall(int index, String callId, String name) {
        try {
            JsonGenerator g = begin();
            g.writeArrayFieldStart("tool_calls");
            g.writeStartObject();
            g.writeNumberField("index", index);
            g.writeStringField("id", callId);
            g.writeStringField("type", "function");
            g.writeObjectFieldStart("function");
            g.writeStringField("name", name);
            g.writeStringField("arguments", "");
            g.writeEndObject();
            g.writeEndObject();
            g.writeEndArray();
            finishChunk(g, null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void toolArguments(int index, CharSequence delta) {
        try {
            JsonGenerator g = begin();
            g.writeArrayFieldStart("tool_calls");
            g.writeStartObject();
            g.writeNumberField("index", index);
            g.writeObjectFieldStart("function");
            g.writeFieldName("arguments");
            Chars.writeString(g, delta);
            g.writeEndObject();
            g.writeEndObject();
            g.writeEndArray();
            finishChunk(g, null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void usage(Usage u) {
        usage = usage.merge(u);
    }

    @Override
    public void finish(FinishReason reason, String stopSequence) {
        try {
            finishChunk(begin(), FinishReasons.toOpenAi(reason));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void end() {
        if (closed) {
            return;
        }
        closed = true;
        if (context.includeUsage()) {
            try {
                JsonGenerator g = sse.begin(null);
                head(g);
                g.writeArrayFieldStart("choices");
                g.writeEndArray();
                OpenAiUsage.write(g, usage);
                g.writeEndObject();
                sse.end();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        sse.raw(null, "[DONE]");
    }

    @Override
    public void error(ChatError error) {
        if (closed) {
            return;
        }
        closed = true;
        try {
            OpenAiErrors.write(sse.begin(null), error);
            sse.end();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void deltaField(String field, CharSequence delta) {
        try {
            JsonGenerator g = begin();
            g.writeFieldName(field);
            Chars.writeString(g, delta);
            finishChunk(g, null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Opens a chunk up to inside {@code choices[0].delta}. */
    private JsonGenerator begin() throws IOException {
        JsonGenerator g = sse.begin(null);
        head(g);
        g.writeArrayFieldStart("choices");
        g.writeStartObject();
        g.writeNumberField("index", 0);
        g.writeObjectFieldStart("delta");
        return g;
    }

    private void head(JsonGenerator g) throws IOException {
        g.writeStartObject();
        g.writeStringField("id", id);
        g.writeStringField("object", "chat.completion.chunk");
        g.writeNumberField("created", context.created());
        g.writeStringField("model", context.model());
    }

    /** Closes the delta, the choice (with its finish reason or null) and the chunk. */
    private void finishChunk(JsonGenerator g, String finishReason) throws IOException {
        g.writeEndObject();
        g.writeNullField("logprobs");
        g.writeStringField("finish_reason", finishReason);
        g.writeEndObject();
        g.writeEndArray();
        g.writeEndObject();
        sse.end();
    }
}
