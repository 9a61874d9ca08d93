package dev.switchboard.providers.anthropic;

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
 * Writes events as Anthropic's SSE stream, in the order Anthropic sends it: {@code message_start} (id = the
 * backend's or {@code msg_<requestId>}, model = the client's, empty content, null stop fields, usage), one
 * {@code ping}, then per block {@code content_block_start}/{@code _delta}/{@code _stop} (text → text_delta; thinking
 * → thinking_delta then signature_delta; a tool call → a tool_use block with {@code input: {}} then
 * input_json_delta; redacted thinking → a whole block), then {@code message_delta} (stop_reason, stop_sequence,
 * usage) and {@code message_stop}. {@link #error} writes {@code event: error}.
 *
 * <p>Usage: {@code message_start} is written at the first content event, so counts that arrive right after start
 * (an Anthropic or Gemini backend) are in it; a backend that reports usage only at the end (OpenAI) leaves
 * {@code input_tokens} 0 there, and the real counts are in {@code message_delta}'s usage (input and cache fields
 * included when known), which the Anthropic SDKs merge.
 *
 * <p>A tool call's arguments must follow its own toolCall (Anthropic cannot reopen a closed block): arguments for an
 * earlier call, which no backend sends, end the stream with an error rather than being misplaced.
 */
final class AnthropicStreamEncoder implements ChatEvents {
    private static final int NONE = 0, TEXT = 1, THINKING = 2, TOOL = 3;

    private final ResponseContext context;
    private final SseWriter sse;
    private String id;
    private boolean headWritten;
    private boolean closed;
    private int open = NONE;
    private boolean signed;
    private int openTool = -1;
    private int blocks;
    private Usage usage = Usage.UNKNOWN;
    private FinishReason reason;
    private String stopSequence;

    AnthropicStreamEncoder(ResponseContext context, ByteSink out) {
        this.context = context;
        this.sse = new SseWriter(out);
    }

    @Override
    public void start(String id, String model) {
        this.id = id;
    }

    @Override
    public void text(CharSequence delta) {
        if (closed) {
            return;
        }
        head();
        if (open != TEXT) {
            begin(TEXT, "text", null, null);
        }
        try {
            JsonGenerator g = delta("text_delta");
            g.writeFieldName("text");
            Chars.writeString(g, delta);
            endDelta(g);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void thinking(CharSequence delta) {
        if (closed) {
            return;
        }
        head();
        if (open != THINKING || signed) {
            begin(THINKING, "thinking", null, null);
        }
        try {
            JsonGenerator g = delta("thinking_delta");
            g.writeFieldName("thinking");
            Chars.writeString(g, delta);
            endDelta(g);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void thinkingSignature(String signature) {
        if (closed) {
            return;
        }
        head();
        if (open != THINKING || signed) {
            begin(THINKING, "thinking", null, null);
        }
        signed = true;
        try {
            JsonGenerator g = delta("signature_delta");
            g.writeStringField("signature", signature);
            endDelta(g);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void redactedThinking(String data) {
        if (closed) {
            return;
        }
        head();
        begin(NONE, "redacted_thinking", null, data);
        closeBlock();
    }

    @Override
    public void toolCall(int index, String toolId, String name) {
        if (closed) {
            return;
        }
        head();
        begin(TOOL, "tool_use", new String[] {toolId, name}, null);
        openTool = index;
    }

    @Override
    public void toolArguments(int index, CharSequence delta) {
        if (closed) {
            return;
        }
        if (open != TOOL || index != openTool) {
            error(new ChatError(502, ChatError.Kind.SERVER,
                    "the backend sent arguments for tool call " + index + " after a later block began", null));
            return;
        }
        try {
            JsonGenerator g = delta("input_json_delta");
            g.writeFieldName("partial_json");
            Chars.writeString(g, delta);
            endDelta(g);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void usage(Usage u) {
        usage = usage.merge(u);
    }

    @Override
    public void finish(FinishReason r, String seq) {
        reason = r;
        stopSequence = seq;
    }

    @Override
    public void end() {
        if (closed) {
            return;
        }
        head();
        closeBlock();
        try {
            JsonGenerator g = sse.begin("message_delta");
            g.writeStartObject();
            g.writeStringField("type", "message_delta");
            g.writeObjectFieldStart("delta");
            g.writeStringField("stop_reason", AnthropicStopReasons.encode(reason));
            if (stopSequence != null) {
                g.writeStringField("stop_sequence", stopSequence);
            } else {
                g.writeNullField("stop_sequence");
            }
            g.writeEndObject();
            g.writeObjectFieldStart("usage");
            long input = AnthropicUsage.uncachedInput(usage);
            if (input >= 0) {
                g.writeNumberField("input_tokens", input);
            }
            g.writeNumberField("output_tokens", Math.max(0, usage.outputTokens()));
            if (usage.cacheCreationTokens() >= 0) {
                g.writeNumberField("cache_creation_input_tokens", usage.cacheCreationTokens());
            }
            if (usage.cachedInputTokens() >= 0) {
                g.writeNumberField("cache_read_input_tokens", usage.cachedInputTokens());
            }
            g.writeEndObject();
            g.writeEndObject();
            sse.end();
            g = sse.begin("message_stop");
            g.writeStartObject();
            g.writeStringField("type", "message_stop");
            g.writeEndObject();
            sse.end();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        closed = true;
    }

    @Override
    public void error(ChatError error) {
        if (closed) {
            return;
        }
        closed = true;
        try {
            JsonGenerator g = sse.begin("error");
            g.writeStartObject();
            g.writeStringField("type", "error");
            g.writeObjectFieldStart("error");
            g.writeStringField("type", AnthropicErrors.typeOf(error));
            g.writeStringField("message", error.message() == null ? "" : error.message());
            g.writeEndObject();
            g.writeEndObject();
            sse.end();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** message_start and its ping, once, before the first block. */
    private void head() {
        if (headWritten) {
            return;
        }
        headWritten = true;
        try {
            JsonGenerator g = sse.begin("message_start");
            g.writeStartObject();
            g.writeStringField("type", "message_start");
            g.writeObjectFieldStart("message");
            g.writeStringField("id", id != null ? id : "msg_" + context.requestId());
            g.writeStringField("type", "message");
            g.writeStringField("role", "assistant");
            g.writeStringField("model", context.model());
            g.writeArrayFieldStart("content");
            g.writeEndArray();
            g.writeNullField("stop_reason");
            g.writeNullField("stop_sequence");
            g.writeObjectFieldStart("usage");
            g.writeNumberField("input_tokens", Math.max(0, AnthropicUsage.uncachedInput(usage)));
            if (usage.cacheCreationTokens() >= 0) {
                g.writeNumberField("cache_creation_input_tokens", usage.cacheCreationTokens());
            }
            if (usage.cachedInputTokens() >= 0) {
                g.writeNumberField("cache_read_input_tokens", usage.cachedInputTokens());
            }
            g.writeNumberField("output_tokens", Math.max(0, usage.outputTokens()));
            g.writeEndObject();
            g.writeEndObject();
            g.writeEndObject();
            sse.end();
            g = sse.begin("ping");
            g.writeStartObject();
            g.writeStringField("type", "ping");
            g.writeEndObject();
            sse.end();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Closes the open block and starts one: {@code tool} is {id, name}; {@code data} a redacted block's. */
    private void begin(int kind, String type, String[] tool, String data) {
        closeBlock();
        try {
            JsonGenerator g = sse.begin("content_block_start");
            g.writeStartObject();
            g.writeStringField("type", "content_block_start");
            g.writeNumberField("index", blocks);
            g.writeObjectFieldStart("content_block");
            g.writeStringField("type", type);
            switch (type) {
                case "text" -> g.writeStringField("text", "");
                case "thinking" -> {
                    g.writeStringField("thinking", "");
                    g.writeStringField("signature", "");
                }
                case "redacted_thinking" -> g.writeStringField("data", data);
                default -> {
                    g.writeStringField("id", tool[0]);
                    g.writeStringField("name", tool[1]);
                    g.writeObjectFieldStart("input");
                    g.writeEndObject();
                }
            }
            g.writeEndObject();
            g.writeEndObject();
            sse.end();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        open = kind == NONE ? -1 : kind; // -1: a block with no deltas, open until closeBlock
        signed = false;
    }

    private void closeBlock() {
        if (open == NONE) {
            return;
        }
        try {
            JsonGenerator g = sse.begin("content_block_stop");
            g.writeStartObject();
            g.writeStringField("type", "content_block_stop");
            g.writeNumberField("index", blocks);
            g.writeEndObject();
            sse.end();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        blocks++;
        open = NONE;
        openTool = -1;
    }

    private JsonGenerator delta(String type) throws IOException {
        JsonGenerator g = sse.begin("content_block_delta");
        g.writeStartObject();
        g.writeStringField("type", "content_block_delta");
        g.writeNumberField("index", blocks);
        g.writeObjectFieldStart("delta");
        g.writeStringField("type", type);
        return g;
    }

    private void endDelta(JsonGenerator g) throws IOException {
        g.writeEndObject();
        g.writeEndObject();
        sse.end();
    }
}
