package dev.switchboard.providers.anthropic;

import dev.switchboard.providers.wire.EventParser;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.switchboard.providers.ResponseDecoder;
import dev.switchboard.providers.chat.ChatError;
import dev.switchboard.providers.chat.ChatEvents;
import dev.switchboard.providers.chat.FinishReason;
import dev.switchboard.providers.wire.Chars;
import dev.switchboard.providers.wire.SseReader;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Decodes a streamed Messages response: SSE through {@link #feed}, or one event at a time through {@link #onEvent}
 * (what Bedrock's event-stream layer calls with each unwrapped {@code {"bytes": base64}} payload).
 *
 * <p>Mapping: {@code message_start} → start (id, model) and usage; {@code content_block_start} text/thinking (their
 * initial text, if any), {@code redacted_thinking} → redactedThinking, {@code tool_use} → toolCall with the index
 * counted among this response's tool_use blocks (not the block index); {@code content_block_delta} text_delta,
 * thinking_delta, signature_delta, input_json_delta → text, thinking, thinkingSignature, toolArguments; a tool_use
 * block that ends without arguments gets {@code {}}; {@code message_delta} → usage and finish; {@code message_stop}
 * → end; {@code error} → error; {@code ping} and block types with no place in the chat model (server tool blocks,
 * citations deltas) are skipped.
 */
public final class AnthropicStreamDecoder implements ResponseDecoder {
    /** One parser for every event of the stream. */
    private final EventParser events = new EventParser();
    /*
     * Problem: turn Anthropic's stream into ChatEvents chunk by chunk, with no String or tree per text delta.
     * Approach: one streaming JsonParser per event (small), fields read in any order; text deltas are Chars views of
     * the parser's buffer. Usage arrives in parts (message_start has the input side, message_delta the output and,
     * lately, cumulative input fields): the parts are kept so that each usage() reports total input = input_tokens +
     * cache_read + cache_creation.
     * Cost: one parser per event; per-block state in two int arrays grown by doubling.
     */
    private static final JsonFactory JSON = new JsonFactory();
    private static final int KIND_OTHER = 0, KIND_TEXT = 1, KIND_THINKING = 2, KIND_TOOL = 3;

    private final ChatEvents out;
    /** SSE's event name is the event's type (an unnamed event: read the type from its JSON). */
    private final SseReader sse = new SseReader((e, d, o, l) -> onEvent("message".equals(e) ? null : e, d, o, l));
    private final Chars chars = new Chars();
    private int[] blockKind = new int[8];
    private int[] blockTool = new int[8];
    private boolean[] blockHasArgs = new boolean[8];
    private int tools;
    private boolean started;
    private boolean finished;
    private boolean done;
    private long input = -1, cacheRead = -1, cacheCreation = -1, output = -1;

    public AnthropicStreamDecoder(ChatEvents out) {
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
            fail(e.getMessage());
        }
    }

    @Override
    public void end() {
        if (!done) {
            fail("the backend's stream was cut before message_stop");
        }
    }

    /**
     * Decodes one stream event.
     *
     * @param type the event's type when the framing names it (SSE {@code event:}), or null to read it from the
     *             JSON's {@code type} field (Bedrock's payloads)
     */
    public void onEvent(String type, byte[] json, int off, int len) {
        if (done) {
            return;
        }
        try {
            JsonParser p = events.next(json, off, len);
            if (p.nextToken() != JsonToken.START_OBJECT) {
                fail("a stream event is not a JSON object");
                return;
            }
            event(p, type);
        } catch (IOException | RuntimeException e) {
            fail("the backend sent a malformed stream event: " + e.getMessage());
        }
    }

    private void event(JsonParser p, String type) throws IOException {
        String t = type;
        int index = -1;
        String stopReason = null;
        String stopSequence = null;
        String errorType = null;
        String errorMessage = null;
        boolean sawDelta = false;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String f = p.currentName();
            JsonToken v = p.nextToken();
            switch (f) {
                case "type" -> t = t == null ? p.getText() : t;
                case "index" -> index = p.getIntValue();
                case "message" -> message(p);
                case "content_block" -> blockStart(p, index);
                case "delta" -> {
                    if ("message_delta".equals(t)) {
                        String[] sr = messageDelta(p);
                        stopReason = sr[0];
                        stopSequence = sr[1];
                        sawDelta = true;
                    } else {
                        blockDelta(p, index);
                    }
                }
                case "usage" -> {
                    if (readUsage(p)) {
                        emitUsage();
                    }
                }
                case "error" -> {
                    if (v == JsonToken.START_OBJECT) {
                        while (p.nextToken() == JsonToken.FIELD_NAME) {
                            String ef = p.currentName();
                            p.nextToken();
                            if (ef.equals("type")) {
                                errorType = p.getValueAsString();
                            } else if (ef.equals("message")) {
                                errorMessage = p.getValueAsString();
                            } else {
                                p.skipChildren();
                            }
                        }
                    } else {
                        p.skipChildren();
                    }
                }
                default -> p.skipChildren();
            }
        }
        if (t == null) {
            return;
        }
        switch (t) {
            case "content_block_stop" -> blockStop(index);
            case "message_delta" -> {
                if (sawDelta && stopReason != null && !finished) {
                    finished = true;
                    out.finish(AnthropicStopReasons.decode(stopReason), stopSequence);
                }
            }
            case "message_stop" -> {
                if (!finished) {
                    finished = true;
                    out.finish(FinishReason.END_TURN, null);
                }
                done = true;
                out.end();
            }
            case "error" -> {
                done = true;
                ChatError.Kind kind = AnthropicErrors.kindOf(errorType, 500);
                out.error(new ChatError(AnthropicErrors.statusOf(errorType, 500), kind,
                        errorMessage == null ? "the backend's stream failed" : errorMessage, null));
            }
            default -> { } // ping, message_start (read above), unknown future events
        }
    }

    /** message_start's message: id, model, usage; the content is always empty there. */
    private void message(JsonParser p) throws IOException {
        String id = null;
        String model = null;
        if (p.currentToken() != JsonToken.START_OBJECT) {
            p.skipChildren();
            return;
        }
        boolean usage = false;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String f = p.currentName();
            p.nextToken();
            switch (f) {
                case "id" -> id = p.getValueAsString();
                case "model" -> model = p.getValueAsString();
                case "usage" -> usage = readUsage(p);
                default -> p.skipChildren();
            }
        }
        if (!started) {
            started = true;
            out.start(id, model);
        }
        if (usage) {
            emitUsage();
        }
    }

    private void emitUsage() {
        out.usage(AnthropicUsage.of(input, output, cacheRead, cacheCreation));
    }

    /** Reads a usage object into the kept parts; true when it held a count. */
    private boolean readUsage(JsonParser p) throws IOException {
        if (p.currentToken() != JsonToken.START_OBJECT) {
            p.skipChildren();
            return false;
        }
        boolean any = false;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String f = p.currentName();
            JsonToken v = p.nextToken();
            if (v != JsonToken.VALUE_NUMBER_INT) {
                p.skipChildren();
                continue;
            }
            long n = p.getLongValue();
            switch (f) {
                case "input_tokens" -> { input = n; any = true; }
                case "output_tokens" -> { output = n; any = true; }
                case "cache_read_input_tokens" -> { cacheRead = n; any = true; }
                case "cache_creation_input_tokens" -> { cacheCreation = n; any = true; }
                default -> { }
            }
        }
        return any;
    }

    private void blockStart(JsonParser p, int index) throws IOException {
        if (p.currentToken() != JsonToken.START_OBJECT || index < 0) {
            p.skipChildren();
            return;
        }
        ensure(index);
        String type = null;
        String id = null;
        String name = null;
        String text = null;
        String data = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String f = p.currentName();
            p.nextToken();
            switch (f) {
                case "type" -> type = p.getText();
                case "id" -> id = p.getValueAsString();
                case "name" -> name = p.getValueAsString();
                case "text", "thinking" -> text = p.getValueAsString();
                case "data" -> data = p.getValueAsString();
                default -> p.skipChildren(); // input is {} at the start; its JSON follows in deltas
            }
        }
        if (type == null) {
            return;
        }
        switch (type) {
            case "text" -> {
                blockKind[index] = KIND_TEXT;
                if (text != null && !text.isEmpty()) {
                    out.text(text);
                }
            }
            case "thinking" -> {
                blockKind[index] = KIND_THINKING;
                if (text != null && !text.isEmpty()) {
                    out.thinking(text);
                }
            }
            case "redacted_thinking" -> {
                blockKind[index] = KIND_OTHER;
                out.redactedThinking(data == null ? "" : data);
            }
            case "tool_use" -> {
                blockKind[index] = KIND_TOOL;
                blockTool[index] = tools++;
                blockHasArgs[index] = false;
                out.toolCall(blockTool[index], id, name);
            }
            default -> blockKind[index] = KIND_OTHER;
        }
    }

    private void blockDelta(JsonParser p, int index) throws IOException {
        if (p.currentToken() != JsonToken.START_OBJECT || index < 0 || index >= blockKind.length) {
            p.skipChildren();
            return;
        }
        int kind = blockKind[index];
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String f = p.currentName();
            JsonToken v = p.nextToken();
            if (v != JsonToken.VALUE_STRING) {
                p.skipChildren();
                continue;
            }
            // The delta's own type is implied by the field: text_delta.text, thinking_delta.thinking,
            // signature_delta.signature, input_json_delta.partial_json.
            switch (f) {
                case "text" -> {
                    if (kind == KIND_TEXT) {
                        out.text(chars.of(p));
                    }
                }
                case "thinking" -> {
                    if (kind == KIND_THINKING) {
                        out.thinking(chars.of(p));
                    }
                }
                case "signature" -> {
                    if (kind == KIND_THINKING) {
                        out.thinkingSignature(p.getText());
                    }
                }
                case "partial_json" -> {
                    if (kind == KIND_TOOL && p.getTextLength() > 0) {
                        blockHasArgs[index] = true;
                        out.toolArguments(blockTool[index], chars.of(p));
                    }
                }
                default -> { }
            }
        }
    }

    private void blockStop(int index) {
        if (index >= 0 && index < blockKind.length && blockKind[index] == KIND_TOOL && !blockHasArgs[index]) {
            blockHasArgs[index] = true;
            out.toolArguments(blockTool[index], "{}");
        }
    }

    /** @return {stop_reason, stop_sequence} */
    private static String[] messageDelta(JsonParser p) throws IOException {
        String[] r = new String[2];
        if (p.currentToken() != JsonToken.START_OBJECT) {
            p.skipChildren();
            return r;
        }
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String f = p.currentName();
            JsonToken v = p.nextToken();
            if (f.equals("stop_reason") && v == JsonToken.VALUE_STRING) {
                r[0] = p.getText();
            } else if (f.equals("stop_sequence") && v == JsonToken.VALUE_STRING) {
                r[1] = p.getText();
            } else {
                p.skipChildren();
            }
        }
        return r;
    }

    private void ensure(int index) {
        if (index >= blockKind.length) {
            int n = Math.max(blockKind.length * 2, index + 1);
            blockKind = Arrays.copyOf(blockKind, n);
            blockTool = Arrays.copyOf(blockTool, n);
            blockHasArgs = Arrays.copyOf(blockHasArgs, n);
        }
    }

    private void fail(String message) {
        done = true;
        out.error(new ChatError(502, ChatError.Kind.SERVER, message, null));
    }
}
