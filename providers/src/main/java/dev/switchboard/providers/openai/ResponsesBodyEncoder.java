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

/**
 * Gathers events and writes one Responses API {@code response} object at {@link #end()} ({@link ResponsesOutput} says
 * the items). An {@link #error} writes OpenAI's error body instead; the caller answers it with
 * {@code error.status()}.
 */
final class ResponsesBodyEncoder implements ChatEvents {
    private final JsonFactory json;
    private final ByteSink out;
    private final ResponsesOutput output;
    private boolean closed;

    ResponsesBodyEncoder(JsonFactory json, ResponseContext context, ByteSink out) {
        this.json = json;
        this.out = out;
        this.output = new ResponsesOutput(context, null);
    }

    @Override
    public void start(String backendId, String backendModel) {
        output.start(backendId);
    }

    @Override
    public void text(CharSequence delta) {
        output.item(ResponsesOutput.Kind.MESSAGE).text.append(delta);
    }

    @Override
    public void thinking(CharSequence delta) {
        output.item(ResponsesOutput.Kind.REASONING).text.append(delta);
    }

    @Override
    public void thinkingSignature(String signature) {
        ResponsesOutput.Item r = output.lastReasoning();
        if (r != null) {
            r.encryptedContent = signature;
        }
    }

    @Override
    public void redactedThinking(String data) {
        output.add(ResponsesOutput.Kind.REASONING).encryptedContent = data;
        output.close();
    }

    @Override
    public void toolCall(int index, String callId, String name) {
        ResponsesOutput.Item c = output.add(ResponsesOutput.Kind.FUNCTION_CALL);
        c.toolIndex = index;
        c.callId = callId;
        c.name = name;
    }

    @Override
    public void toolArguments(int index, CharSequence delta) {
        ResponsesOutput.Item c = output.call(index);
        if (c != null) {
            c.text.append(delta);
        }
    }

    @Override
    public void usage(Usage u) {
        output.usage(u);
    }

    @Override
    public void finish(FinishReason reason, String stopSequence) {
        output.finish(reason);
    }

    @Override
    public void end() {
        if (closed) {
            return;
        }
        closed = true;
        output.close();
        try (JsonGenerator g = json.createGenerator(out)) {
            output.writeResponse(g, output.status(), null);
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
}
