package dev.switchboard.providers.openai;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.switchboard.providers.ResponseDecoder;
import dev.switchboard.providers.chat.ChatError;
import dev.switchboard.providers.chat.ChatEvents;
import dev.switchboard.providers.chat.FinishReason;
import dev.switchboard.providers.chat.Usage;
import dev.switchboard.providers.wire.Chars;
import dev.switchboard.providers.wire.EventParser;
import dev.switchboard.providers.wire.SseReader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Decodes a streamed Chat Completions answer ({@code chat.completion.chunk} events, then {@code data: [DONE]}) as its
 * bytes arrive.
 */
final class OpenAiChunkDecoder implements ResponseDecoder, SseReader.Listener {
    /*
     * Problem: turn each chunk's delta into events without a tree or a String per delta, whatever the order of the
     * chunk's fields (id and model may follow choices; a tool call's name may follow its first arguments).
     * Approach: one streaming parser per event. The first event is scanned once more for id and model, so start()
     * comes first. Text and reasoning deltas are passed as views of the parser's buffer; a tool-call delta's
     * arguments are copied into one reused char buffer until the delta's object ends, when its id and name are known.
     * Only choice 0 is read (n > 1 is refused at decode). finish is held until [DONE] (or the end of the body): the
     * usage chunk comes after the finish chunk, and consumers want the counts before the finish.
     * Cost: per event one parser; no String except a tool call's id and name, once per call.
     */

    /** The most tool calls one answer may make: a bound on the per-call state a backend can make us keep. */
    private static final int MAX_TOOL_CALLS = 1024;

    private final JsonFactory json;
    /** One parser for the stream's chunks (the first, read twice, gets its own). */
    private final EventParser events = new EventParser();
    private final ChatEvents out;
    private final SseReader sse = new SseReader(this);
    private final Chars chars = new Chars();
    private char[] args = new char[256];
    private int argsLength;
    private boolean[] callStarted = new boolean[4];
    private boolean started;
    private boolean done;
    private FinishReason finish;

    OpenAiChunkDecoder(JsonFactory json, ChatEvents out) {
        this.json = json;
        this.out = out;
    }

    @Override
    public void feed(ByteBuffer chunk) {
        if (done) {
            return;
        }
        try {
            sse.feed(chunk);
        } catch (IllegalStateException e) {
            fail(new ChatError(502, ChatError.Kind.SERVER, "the backend's stream is malformed: " + e.getMessage(),
                    null));
        }
    }

    @Override
    public void end() {
        if (done) {
            return;
        }
        if (finish != null) {
            complete(); // a stream without [DONE] that did finish (some compatible servers omit it)
        } else {
            fail(new ChatError(502, ChatError.Kind.SERVER,
                    "the backend's stream was cut before it finished (no finish_reason, no [DONE])", null));
        }
    }

    @Override
    public void onEvent(String event, byte[] data, int offset, int length) {
        if (done) {
            return;
        }
        if (isDone(data, offset, length)) {
            complete();
            return;
        }
        try {
            if (!started && !startFrom(data, offset, length)) {
                return;
            }
            chunk(events.next(data, offset, length));
        } catch (IOException e) {
            fail(new ChatError(502, ChatError.Kind.SERVER, "the backend sent a malformed stream chunk: "
                    + e.getMessage(), null));
        }
    }

    /**
     * Starts the response from the first chunk that belongs to it: Azure OpenAI first sends one with an empty id, no
     * choices and only its prompt filter results, which is skipped (false).
     */
    private boolean startFrom(byte[] data, int offset, int length) throws IOException {
        String id = null;
        String model = null;
        boolean content = false;
        try (JsonParser p = json.createParser(data, offset, length)) {
            expect(p.nextToken(), JsonToken.START_OBJECT);
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String f = p.currentName();
                JsonToken v = p.nextToken();
                if (f.equals("id") && v == JsonToken.VALUE_STRING && p.getTextLength() > 0) {
                    id = p.getText();
                } else if (f.equals("model") && v == JsonToken.VALUE_STRING && p.getTextLength() > 0) {
                    model = p.getText();
                } else if (f.equals("choices") && v == JsonToken.START_ARRAY) {
                    while (p.nextToken() != JsonToken.END_ARRAY) {
                        content = true;
                        p.skipChildren();
                    }
                } else {
                    content |= (f.equals("usage") || f.equals("error")) && v == JsonToken.START_OBJECT;
                    p.skipChildren();
                }
            }
        }
        if (id == null && !content) {
            return false;
        }
        started = true;
        out.start(id, model);
        return true;
    }

    private void chunk(JsonParser p) throws IOException {
        expect(p.nextToken(), JsonToken.START_OBJECT);
        while (!done && p.nextToken() == JsonToken.FIELD_NAME) {
            String f = p.currentName();
            JsonToken v = p.nextToken();
            switch (f) {
                case "choices" -> {
                    if (v == JsonToken.START_ARRAY) {
                        while (p.nextToken() == JsonToken.START_OBJECT) {
                            choice(p);
                        }
                    } else {
                        p.skipChildren();
                    }
                }
                case "usage" -> {
                    if (v == JsonToken.START_OBJECT) {
                        out.usage(usage(p));
                    } else {
                        p.skipChildren();
                    }
                }
                case "error" -> {
                    if (v == JsonToken.START_OBJECT) {
                        fail(error(p));
                    } else {
                        p.skipChildren();
                    }
                }
                default -> p.skipChildren();
            }
        }
    }

    private void choice(JsonParser p) throws IOException {
        int index = 0;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String f = p.currentName();
            JsonToken v = p.nextToken();
            if (f.equals("index") && v == JsonToken.VALUE_NUMBER_INT) {
                index = p.getIntValue();
            } else if (f.equals("delta") && v == JsonToken.START_OBJECT && index == 0) {
                delta(p);
            } else if (f.equals("finish_reason") && v == JsonToken.VALUE_STRING && index == 0) {
                finish = FinishReasons.fromOpenAi(p.getText());
            } else {
                p.skipChildren();
            }
        }
    }

    private void delta(JsonParser p) throws IOException {
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String f = p.currentName();
            JsonToken v = p.nextToken();
            boolean text = v == JsonToken.VALUE_STRING;
            switch (f) {
                case "content", "refusal" -> {
                    if (text && p.getTextLength() > 0) {
                        out.text(chars.of(p));
                    }
                }
                // vLLM and DeepSeek say reasoning_content; newer vLLM says reasoning
                case "reasoning_content", "reasoning" -> {
                    if (text && p.getTextLength() > 0) {
                        out.thinking(chars.of(p));
                    }
                }
                case "tool_calls" -> {
                    if (v == JsonToken.START_ARRAY) {
                        int position = 0;
                        while (p.nextToken() == JsonToken.START_OBJECT) {
                            toolCall(p, position++);
                        }
                    } else {
                        p.skipChildren();
                    }
                }
                default -> p.skipChildren();
            }
        }
    }

    /** One tool-call delta: {@code {index, id, type, function: {name, arguments}}}, any field possibly null. */
    private void toolCall(JsonParser p, int position) throws IOException {
        int index = position;
        String id = null;
        String name = null;
        argsLength = 0;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String f = p.currentName();
            JsonToken v = p.nextToken();
            if (f.equals("index") && v == JsonToken.VALUE_NUMBER_INT) {
                index = p.getIntValue();
            } else if (f.equals("id") && v == JsonToken.VALUE_STRING) {
                id = p.getText();
            } else if (f.equals("function") && v == JsonToken.START_OBJECT) {
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String g = p.currentName();
                    JsonToken w = p.nextToken();
                    if (g.equals("name") && w == JsonToken.VALUE_STRING) {
                        name = p.getText();
                    } else if (g.equals("arguments") && w == JsonToken.VALUE_STRING) {
                        copyArguments(p);
                    } else {
                        p.skipChildren();
                    }
                }
            } else {
                p.skipChildren();
            }
        }
        if (index < 0 || index >= MAX_TOOL_CALLS) {
            throw new IOException("tool call index " + index + " is out of range");
        }
        if (index >= callStarted.length) {
            callStarted = Arrays.copyOf(callStarted, Math.max(index + 1, callStarted.length * 2));
        }
        if (!callStarted[index]) {
            callStarted[index] = true;
            out.toolCall(index, id != null ? id : "call_" + index, name);
        }
        if (argsLength > 0) {
            out.toolArguments(index, chars.of(args, 0, argsLength));
        }
    }

    private void copyArguments(JsonParser p) throws IOException {
        int n = p.getTextLength();
        if (args.length < n) {
            args = new char[Math.max(n, args.length * 2)];
        }
        System.arraycopy(p.getTextCharacters(), p.getTextOffset(), args, 0, n);
        argsLength = n;
    }

    /** Reads {@code usage}: the prompt and completion counts and their cached and reasoning details. */
    static Usage usage(JsonParser p) throws IOException {
        long input = -1;
        long output = -1;
        long cached = -1;
        long reasoning = -1;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String f = p.currentName();
            JsonToken v = p.nextToken();
            if (v == JsonToken.VALUE_NUMBER_INT && f.equals("prompt_tokens")) {
                input = p.getLongValue();
            } else if (v == JsonToken.VALUE_NUMBER_INT && f.equals("completion_tokens")) {
                output = p.getLongValue();
            } else if (v == JsonToken.START_OBJECT && f.equals("prompt_tokens_details")) {
                cached = detail(p, "cached_tokens");
            } else if (v == JsonToken.START_OBJECT && f.equals("completion_tokens_details")) {
                reasoning = detail(p, "reasoning_tokens");
            } else {
                p.skipChildren();
            }
        }
        return new Usage(input, output, cached, -1, reasoning);
    }

    private static long detail(JsonParser p, String name) throws IOException {
        long value = -1;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            boolean match = p.currentName().equals(name);
            if (p.nextToken() == JsonToken.VALUE_NUMBER_INT && match) {
                value = p.getLongValue();
            } else {
                p.skipChildren();
            }
        }
        return value;
    }

    private static ChatError error(JsonParser p) throws IOException {
        String message = null;
        String type = null;
        String param = null;
        String code = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String f = p.currentName();
            JsonToken v = p.nextToken();
            if (v.isScalarValue() && v != JsonToken.VALUE_NULL) {
                switch (f) {
                    case "message" -> message = p.getText();
                    case "type" -> type = p.getText();
                    case "param" -> param = p.getText();
                    case "code" -> code = p.getText();
                    default -> { }
                }
            } else {
                p.skipChildren();
            }
        }
        return OpenAiErrors.of(0, message != null ? message : "the backend reported an error mid-stream", type, param,
                code);
    }

    private void complete() {
        done = true;
        if (!started) {
            started = true;
            out.start(null, null);
        }
        out.finish(finish != null ? finish : FinishReason.END_TURN, null);
        out.end();
    }

    private void fail(ChatError e) {
        done = true;
        if (!started) {
            started = true;
            out.start(null, null);
        }
        out.error(e);
    }

    private static boolean isDone(byte[] d, int off, int len) {
        return len == 6 && d[off] == '[' && d[off + 1] == 'D' && d[off + 2] == 'O' && d[off + 3] == 'N'
                && d[off + 4] == 'E' && d[off + 5] == ']';
    }

    private static void expect(JsonToken t, JsonToken wanted) throws IOException {
        if (t != wanted) {
            throw new IOException("expected " + wanted + ", found " + t);
        }
    }
}
