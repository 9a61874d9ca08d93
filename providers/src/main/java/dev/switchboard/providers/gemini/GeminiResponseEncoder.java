package dev.switchboard.providers.gemini;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import java.util.ArrayList;
import java.util.List;

/**
 * Encodes events as a Gemini client's {@code GenerateContentResponse}: streamed, one
 * {@code data: {chunk}\r\n\r\n} event per piece (Google's own framing ends events with CRLF CRLF; its SDKs also
 * accept LF LF); whole, one body at {@link #end()}.
 *
 * <p>Each streamed text or thinking delta is one chunk with one part (Gemini itself sends bigger pieces; SDKs join
 * them the same way). Gemini sends function calls whole, so a call's argument deltas are buffered until the call ends
 * (another call begins, other content follows, or the answer ends) and go out as one {@code functionCall} part with
 * {@code args} as an object: the buffering is per call and bounded by its size. A thinking signature goes on the next
 * part written (the first function call or text after the thought, where Gemini puts it), or on an empty text part
 * in the last chunk. Redacted thinking has no Gemini form and is dropped. The last chunk carries
 * {@code finishReason} and {@code usageMetadata}; every chunk carries {@code modelVersion} (the model the client
 * asked for) and {@code responseId}. An error mid-stream is a last event with Google's error object.
 */
final class GeminiResponseEncoder implements ChatEvents {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final boolean stream;
    private final ResponseContext context;
    private final ByteSink out;
    private final SseWriter sse;
    private final WholeParts whole;
    private String id;
    private String signature;
    private int callIndex = -1;
    private String callId;
    private String callName;
    private final StringBuilder callArgs = new StringBuilder();
    private Usage usage = Usage.UNKNOWN;
    private FinishReason finish;
    private boolean closed;

    /**
     * Whether a stream is Google's JSON array ({@code [{...},\r\n{...}]}, what {@code streamGenerateContent} sends
     * without {@code alt=sse}) rather than SSE.
     */
    private final boolean array;
    /** An array stream's opening bracket is written. */
    private boolean opened;

    GeminiResponseEncoder(boolean stream, ResponseContext context, ByteSink out) {
        this(stream, false, context, out);
    }

    GeminiResponseEncoder(boolean stream, boolean array, ResponseContext context, ByteSink out) {
        this.array = stream && array;
        this.stream = stream;
        this.context = context;
        this.out = out;
        this.sse = new SseWriter(out);
        this.whole = stream ? null : new WholeParts();
    }

    @Override
    public void start(String responseId, String model) {
        id = responseId != null ? responseId : context.requestId();
    }

    @Override
    public void text(CharSequence delta) {
        content(delta, false);
    }

    @Override
    public void thinking(CharSequence delta) {
        content(delta, true);
    }

    private void content(CharSequence delta, boolean thought) {
        flushCall();
        if (closed || delta.isEmpty()) {
            return;
        }
        if (whole != null) {
            whole.text(delta, thought, takeSignature());
            return;
        }
        try {
            JsonGenerator g = beginChunk();
            g.writeStartObject();
            g.writeFieldName("text");
            Chars.writeString(g, delta);
            if (thought) {
                g.writeBooleanField("thought", true);
            }
            writeSignature(g);
            g.writeEndObject();
            endChunk(g, false);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void thinkingSignature(String s) {
        signature = s;
    }

    @Override
    public void redactedThinking(String data) {
        // Anthropic-encrypted reasoning: Gemini has no place for it
    }

    @Override
    public void toolCall(int index, String callId, String name) {
        flushCall();
        callIndex = index;
        this.callId = callId;
        callName = name;
        callArgs.setLength(0);
    }

    @Override
    public void toolArguments(int index, CharSequence delta) {
        if (index == callIndex) {
            callArgs.append(delta);
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
        flushCall();
        if (closed) {
            return; // the call's arguments failed it
        }
        closed = true;
        try {
            if (whole != null) {
                JsonGenerator g = sse.json();
                writeResponse(g, whole.parts(takeSignature()));
                sse.flush();
                return;
            }
            JsonGenerator g = beginChunk();
            g.writeStartObject();
            g.writeStringField("text", "");
            writeSignature(g);
            g.writeEndObject();
            endChunk(g, true);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void error(ChatError error) {
        if (closed) {
            return;
        }
        closed = true;
        try {
            if (stream) {
                sse.flush();
                beginEvent();
            }
            JsonGenerator g = sse.json();
            GeminiErrors.write(g, error);
            sse.flush();
            if (stream) {
                endEvent(true);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void flushCall() {
        if (callIndex < 0 || closed) {
            return;
        }
        JsonNode args;
        try {
            args = callArgs.isEmpty() ? JSON.createObjectNode() : JSON.readTree(callArgs.toString());
        } catch (IOException e) {
            args = null;
        }
        if (args == null || !args.isObject()) {
            callIndex = -1;
            error(new ChatError(502, ChatError.Kind.SERVER, "the model's arguments for tool call " + callName
                    + " are not a JSON object, which Gemini's functionCall needs", null));
            return;
        }
        callIndex = -1;
        if (whole != null) {
            whole.call(callId, callName, args, takeSignature());
            return;
        }
        try {
            JsonGenerator g = beginChunk();
            writeCall(g, callId, callName, args);
            endChunk(g, false);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void writeCall(JsonGenerator g, String cid, String name, JsonNode args) throws IOException {
        g.writeStartObject();
        g.writeObjectFieldStart("functionCall");
        if (cid != null) {
            g.writeStringField("id", cid);
        }
        g.writeStringField("name", name);
        g.writeFieldName("args");
        JSON.writeTree(g, args);
        g.writeEndObject();
        writeSignature(g);
        g.writeEndObject();
    }

    private String takeSignature() {
        String s = signature;
        signature = null;
        return s;
    }

    private void writeSignature(JsonGenerator g) throws IOException {
        String s = takeSignature();
        if (s != null) {
            g.writeStringField("thoughtSignature", s);
        }
    }

    /** {@code data: {"candidates":[{"content":{"parts":[} — the part follows. */
    private JsonGenerator beginChunk() throws IOException {
        sse.flush();
        beginEvent();
        JsonGenerator g = sse.json();
        g.writeStartObject();
        g.writeArrayFieldStart("candidates");
        g.writeStartObject();
        g.writeObjectFieldStart("content");
        g.writeArrayFieldStart("parts");
        return g;
    }

    private void endChunk(JsonGenerator g, boolean last) throws IOException {
        closeResponse(g, last);
        sse.flush();
        endEvent(last);
    }

    /** Before a chunk: SSE's {@code data: }, or the array's bracket or separator. */
    private void beginEvent() {
        if (!array) {
            out.writeAscii("data: ");
        } else {
            out.writeAscii(opened ? ",\r\n" : "[");
            opened = true;
        }
    }

    /** After a chunk: SSE's blank line, or the array's closing bracket after the last. */
    private void endEvent(boolean last) {
        if (!array) {
            out.writeAscii("\r\n\r\n");
        } else if (last) {
            out.writeAscii("]");
        }
    }

    private void writeResponse(JsonGenerator g, List<JsonNode> parts) throws IOException {
        g.writeStartObject();
        g.writeArrayFieldStart("candidates");
        g.writeStartObject();
        g.writeObjectFieldStart("content");
        g.writeArrayFieldStart("parts");
        for (JsonNode p : parts) {
            JSON.writeTree(g, p);
        }
        closeResponse(g, true);
    }

    /** Closes parts and content, then the candidate's and the response's other fields. */
    private void closeResponse(JsonGenerator g, boolean last) throws IOException {
        g.writeEndArray();
        g.writeStringField("role", "model");
        g.writeEndObject();
        if (last) {
            g.writeStringField("finishReason", finishWord());
        }
        g.writeNumberField("index", 0);
        g.writeEndObject();
        g.writeEndArray();
        if (last && usage.known()) {
            writeUsage(g);
        }
        g.writeStringField("modelVersion", context.model());
        g.writeStringField("responseId", id != null ? id : context.requestId());
        g.writeEndObject();
    }

    private String finishWord() {
        if (finish == null) {
            return "STOP";
        }
        return switch (finish) {
            case MAX_TOKENS -> "MAX_TOKENS";
            case CONTENT_FILTER -> "SAFETY";
            case END_TURN, STOP_SEQUENCE, TOOL_USE, PAUSE -> "STOP";
        };
    }

    private void writeUsage(JsonGenerator g) throws IOException {
        long in = Math.max(usage.inputTokens(), 0);
        long outTokens = Math.max(usage.outputTokens(), 0);
        long reasoning = Math.max(usage.reasoningTokens(), 0);
        g.writeObjectFieldStart("usageMetadata");
        g.writeNumberField("promptTokenCount", in);
        g.writeNumberField("candidatesTokenCount", Math.max(outTokens - reasoning, 0));
        g.writeNumberField("totalTokenCount", in + outTokens);
        if (usage.cachedInputTokens() > 0) {
            g.writeNumberField("cachedContentTokenCount", usage.cachedInputTokens());
        }
        if (reasoning > 0) {
            g.writeNumberField("thoughtsTokenCount", reasoning);
        }
        g.writeEndObject();
    }

    /** A whole answer's parts, adjacent deltas of one kind joined into one part. */
    private static final class WholeParts {
        private final List<JsonNode> parts = new ArrayList<>();
        private final StringBuilder text = new StringBuilder();
        private boolean textThought;
        private String textSignature;
        private boolean open;

        void text(CharSequence delta, boolean thought, String signature) {
            if (open && (thought != textThought || signature != null)) {
                close();
            }
            if (!open) {
                open = true;
                textThought = thought;
                textSignature = signature;
            }
            text.append(delta);
        }

        void call(String id, String name, JsonNode args, String signature) {
            close();
            var part = JSON.createObjectNode();
            var call = part.putObject("functionCall");
            if (id != null) {
                call.put("id", id);
            }
            call.put("name", name).set("args", args);
            if (signature != null) {
                part.put("thoughtSignature", signature);
            }
            parts.add(part);
        }

        List<JsonNode> parts(String trailingSignature) {
            close();
            if (trailingSignature != null) {
                parts.add(JSON.createObjectNode().put("text", "").put("thoughtSignature", trailingSignature));
            }
            if (parts.isEmpty()) {
                parts.add(JSON.createObjectNode().put("text", ""));
            }
            return parts;
        }

        private void close() {
            if (!open) {
                return;
            }
            var part = JSON.createObjectNode().put("text", text.toString());
            if (textThought) {
                part.put("thought", true);
            }
            if (textSignature != null) {
                part.put("thoughtSignature", textSignature);
            }
            parts.add(part);
            text.setLength(0);
            open = false;
        }
    }
}
