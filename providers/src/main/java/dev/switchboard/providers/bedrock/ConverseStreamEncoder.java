package dev.switchboard.providers.bedrock;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.switchboard.providers.chat.ChatError;
import dev.switchboard.providers.chat.ChatEvents;
import dev.switchboard.providers.chat.FinishReason;
import dev.switchboard.providers.chat.Usage;
import dev.switchboard.providers.eventstream.EventStreamEncoder;
import dev.switchboard.providers.wire.ByteSink;
import dev.switchboard.providers.wire.Chars;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Events as a ConverseStream answer (the simulator's Bedrock personality): messageStart, then per content block a
 * contentBlockStart (tool calls only, as Bedrock does), its deltas and a contentBlockStop, then messageStop and
 * metadata (usage, metrics). An error becomes an exception frame of the type that goes with its status.
 *
 * <p>Each event's JSON is written by one generator kept for the stream into a scratch sink, then framed into the
 * output: no generator or buffer per event.
 */
final class ConverseStreamEncoder implements ChatEvents {
    private enum Block { NONE, TEXT, THINKING, TOOL, REDACTED }

    private final ByteSink out;
    private final ByteSink scratch = new ByteSink(512);
    private final JsonGenerator g;
    private final EventStreamEncoder frames = new EventStreamEncoder();
    private Block open = Block.NONE;
    private int blockIndex = -1;
    private Usage usage = Usage.UNKNOWN;

    ConverseStreamEncoder(JsonFactory json, ByteSink out) {
        this.out = out;
        try {
            this.g = json.createGenerator(scratch);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        g.setRootValueSeparator(null);
    }

    @Override
    public void start(String id, String model) {
        try {
            g.writeStartObject();
            g.writeStringField("role", "assistant");
            g.writeEndObject();
            emit("messageStart");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void text(CharSequence delta) {
        delta(Block.TEXT, "text", delta, null);
    }

    @Override
    public void thinking(CharSequence delta) {
        delta(Block.THINKING, "reasoningContent", delta, "text");
    }

    @Override
    public void thinkingSignature(String signature) {
        delta(Block.THINKING, "reasoningContent", signature, "signature");
    }

    @Override
    public void redactedThinking(String data) {
        delta(Block.REDACTED, "reasoningContent", data, "redactedContent"); // a whole block of its own
        stopBlock();
    }

    @Override
    public void toolCall(int index, String id, String name) {
        stopBlock();
        open = Block.TOOL;
        blockIndex++;
        try {
            g.writeStartObject();
            g.writeObjectFieldStart("start");
            g.writeObjectFieldStart("toolUse");
            g.writeStringField("toolUseId", id);
            g.writeStringField("name", name);
            g.writeEndObject();
            g.writeEndObject();
            g.writeNumberField("contentBlockIndex", blockIndex);
            g.writeEndObject();
            emit("contentBlockStart");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void toolArguments(int index, CharSequence delta) {
        delta(Block.TOOL, "toolUse", delta, "input");
    }

    @Override
    public void usage(Usage u) {
        usage = usage.merge(u);
    }

    @Override
    public void finish(FinishReason reason, String stopSequence) {
        stopBlock();
        try {
            g.writeStartObject();
            g.writeStringField("stopReason", StopReasons.of(reason));
            g.writeEndObject();
            emit("messageStop");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void end() {
        long[] u = ConverseUsage.toConverse(usage);
        try {
            g.writeStartObject();
            g.writeObjectFieldStart("usage");
            g.writeNumberField("inputTokens", u[0]);
            g.writeNumberField("outputTokens", u[1]);
            g.writeNumberField("totalTokens", u[0] + u[1] + u[2] + u[3]);
            if (u[2] > 0 || u[3] > 0) {
                g.writeNumberField("cacheReadInputTokens", u[2]);
                g.writeNumberField("cacheWriteInputTokens", u[3]);
            }
            g.writeEndObject();
            g.writeObjectFieldStart("metrics");
            g.writeNumberField("latencyMs", 0); // the simulator's engine reports timings elsewhere
            g.writeEndObject();
            g.writeEndObject();
            emit("metadata");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void error(ChatError error) {
        try {
            g.writeStartObject();
            g.writeStringField("message", error.message());
            g.writeEndObject();
            g.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        frames.exception(out, BedrockExceptions.typeOf(error.status()), scratch.array(), 0, scratch.size());
        scratch.reset();
    }

    /** A contentBlockDelta {@code {contentBlockIndex, delta:{kind: value}}} or {@code {kind: {field: value}}}. */
    private void delta(Block block, String kind, CharSequence value, String field) {
        if (open != block || block == Block.REDACTED) {
            stopBlock();
            open = block;
            blockIndex++;
        }
        try {
            g.writeStartObject();
            g.writeNumberField("contentBlockIndex", blockIndex);
            g.writeObjectFieldStart("delta");
            if (field == null) {
                g.writeFieldName(kind);
            } else {
                g.writeObjectFieldStart(kind);
                g.writeFieldName(field);
            }
            Chars.writeString(g, value);
            if (field != null) {
                g.writeEndObject();
            }
            g.writeEndObject();
            g.writeEndObject();
            emit("contentBlockDelta");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void stopBlock() {
        if (open == Block.NONE) {
            return;
        }
        open = Block.NONE;
        try {
            g.writeStartObject();
            g.writeNumberField("contentBlockIndex", blockIndex);
            g.writeEndObject();
            emit("contentBlockStop");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void emit(String eventType) throws IOException {
        g.flush();
        frames.event(out, eventType, scratch.array(), 0, scratch.size());
        scratch.reset();
    }
}
