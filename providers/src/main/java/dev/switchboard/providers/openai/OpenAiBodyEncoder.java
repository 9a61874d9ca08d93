package dev.switchboard.providers.openai;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.switchboard.providers.ResponseContext;
import dev.switchboard.providers.chat.ChatError;
import dev.switchboard.providers.chat.ChatEvents;
import dev.switchboard.providers.chat.FinishReason;
import dev.switchboard.providers.chat.Usage;
import dev.switchboard.providers.wire.ByteSink;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Gathers events and writes one {@code chat.completion} body at {@link #end()}: {@code message.content} (null when
 * the answer is only tool calls), {@code tool_calls}, {@code reasoning_content} when there was reasoning (vLLM's and
 * DeepSeek's field), {@code finish_reason} and {@code usage} (with the cached and reasoning details when known). An
 * {@link #error} writes OpenAI's error body instead; the caller answers it with {@code error.status()}.
 */
final class OpenAiBodyEncoder implements ChatEvents {
    private final JsonFactory json;
    private final ResponseContext context;
    private final ByteSink out;
    private final StringBuilder text = new StringBuilder();
    private final StringBuilder reasoning = new StringBuilder();
    private final List<Call> calls = new ArrayList<>();
    private String id;
    private Usage usage = Usage.UNKNOWN;
    private FinishReason finish = FinishReason.END_TURN;
    private boolean closed;

    private record Call(int index, String id, String name, StringBuilder arguments) {}

    OpenAiBodyEncoder(JsonFactory json, ResponseContext context, ByteSink out) {
        this.json = json;
        this.context = context;
        this.out = out;
    }

    @Override
    public void start(String backendId, String backendModel) {
        id = backendId != null ? backendId : "chatcmpl-" + context.requestId();
    }

    @Override
    public void text(CharSequence delta) {
        text.append(delta);
    }

    @Override
    public void thinking(CharSequence delta) {
        reasoning.append(delta);
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
        calls.add(new Call(index, callId, name, new StringBuilder()));
    }

    @Override
    public void toolArguments(int index, CharSequence delta) {
        for (Call c : calls) {
            if (c.index == index) {
                c.arguments.append(delta);
                return;
            }
        }
    }

    @Override
    public void usage(Usage u) {
        usage = usage.merge(u);
    }

    @Override
    public void finish(FinishReason reason, String stopSequence) {
        finish = reason;
    }

    @Override
    public void end() {
        if (closed) {
            return;
        }
        closed = true;
        try (JsonGenerator g = json.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("id", id != null ? id : "chatcmpl-" + context.requestId());
            g.writeStringField("object", "chat.completion");
            g.writeNumberField("created", context.created());
            g.writeStringField("model", context.model());
            g.writeArrayFieldStart("choices");
            g.writeStartObject();
            g.writeNumberField("index", 0);
            writeMessage(g);
            g.writeNullField("logprobs");
            g.writeStringField("finish_reason", FinishReasons.toOpenAi(finish));
            g.writeEndObject();
            g.writeEndArray();
            if (usage.known()) {
                OpenAiUsage.write(g, usage);
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a ByteSink does not fail
        }
    }

    @Override
    public void error(ChatError error) {
        if (closed) {
            return;
        }
        closed = true;
        try (JsonGenerator g = json.createGenerator(out)) {
            OpenAiErrors.write(g, error);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void writeMessage(JsonGenerator g) throws IOException {
        g.writeObjectFieldStart("message");
        g.writeStringField("role", "assistant");
        g.writeStringField("content", text.isEmpty() && !calls.isEmpty() ? null : text.toString());
        if (!reasoning.isEmpty()) {
            g.writeStringField("reasoning_content", reasoning.toString());
        }
        g.writeNullField("refusal");
        if (!calls.isEmpty()) {
            g.writeArrayFieldStart("tool_calls");
            for (Call c : calls) {
                g.writeStartObject();
                g.writeStringField("id", c.id);
                g.writeStringField("type", "function");
                g.writeObjectFieldStart("function");
                g.writeStringField("name", c.name);
                g.writeStringField("arguments", c.arguments.toString());
                g.writeEndObject();
                g.writeEndObject();
            }
            g.writeEndArray();
        }
        g.writeEndObject();
    }
}
