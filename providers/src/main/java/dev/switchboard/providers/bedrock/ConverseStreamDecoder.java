package dev.switchboard.providers.bedrock;

import dev.switchboard.providers.wire.EventParser;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.switchboard.providers.ResponseDecoder;
import dev.switchboard.providers.chat.ChatError;
import dev.switchboard.providers.chat.ChatEvents;
import dev.switchboard.providers.eventstream.EventStreamDecoder;
import dev.switchboard.providers.eventstream.EventStreamException;
import dev.switchboard.providers.wire.Chars;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * A ConverseStream answer (event-stream frames, one JSON event each) as {@link ChatEvents}, frame by frame.
 *
 * <p>Events: {@code messageStart {role}} → start (Converse has no response id or model name: both null);
 * {@code contentBlockStart {start:{toolUse:{toolUseId,name}}, contentBlockIndex}} → toolCall (text blocks have no
 * start event); {@code contentBlockDelta {delta:{text} | {toolUse:{input}} | {reasoningContent:{text} | {signature}
 * | {redactedContent}}, contentBlockIndex}} → text / toolArguments / thinking / thinkingSignature /
 * redactedThinking; {@code contentBlockStop} → nothing; {@code messageStop {stopReason}} → finish;
 * {@code metadata {usage, metrics}} → usage, then end. Unknown fields (Bedrock pads events with {@code "p"}) and
 * unknown event types are skipped.
 *
 * <p>Ends: Bedrock always sends metadata last, so the answer ends there. A stream that ends after messageStop
 * without metadata ends without usage; one that ends before messageStop is cut (a 502 error). An exception frame,
 * a bad checksum or an unreadable event is an error, after which the rest of the stream is ignored.
 */
final class ConverseStreamDecoder implements ResponseDecoder, EventStreamDecoder.Listener {
    /** One parser for every event of the stream. */
    private final EventParser events = new EventParser();
    private final JsonFactory json;
    private final ChatEvents out;
    private final EventStreamDecoder frames = new EventStreamDecoder(this);
    private final Chars chars = new Chars();
    /** contentBlockIndex → tool call index, -1 where the block is not a tool call. */
    private int[] toolOfBlock = new int[8];
    private int tools;
    private boolean started;
    private boolean finished;
    private boolean done;

    ConverseStreamDecoder(JsonFactory json, ChatEvents out) {
        this.json = json;
        this.out = out;
        Arrays.fill(toolOfBlock, -1);
    }

    @Override
    public void feed(ByteBuffer chunk) {
        if (done) {
            return;
        }
        try {
            frames.feed(chunk);
        } catch (EventStreamException e) {
            fail(new ChatError(502, ChatError.Kind.SERVER, "Bedrock's stream is not a valid event stream: "
                    + e.getMessage(), null));
        }
    }

    @Override
    public void end() {
        if (done) {
            return;
        }
        done = true;
        if (finished) {
            out.end(); // messageStop came, metadata did not: complete, without usage
        } else {
            out.error(new ChatError(502, ChatError.Kind.SERVER,
                    "Bedrock's stream was cut before its messageStop event", null));
        }
    }

    @Override
    public void onMessage(String messageType, String type, byte[] payload, int offset, int length) {
        if (done) {
            return;
        }
        try {
            JsonParser p = events.next(payload, offset, length);
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new IOException("the payload is not a JSON object");
            }
            if ("exception".equals(messageType)) {
                fail(BedrockExceptions.error(type, message(p)));
            } else if (type != null) {
                event(type, p);
            }
        } catch (IOException e) {
            fail(new ChatError(502, ChatError.Kind.SERVER, "Bedrock sent an unreadable " + type + " event: "
                    + e.getMessage(), null));
        }
    }

    @Override
    public void onError(String code, String message) {
        fail(BedrockExceptions.error(code, message));
    }

    private void event(String type, JsonParser p) throws IOException {
        switch (type) {
            case "messageStart" -> {
                p.skipChildren();
                ensureStarted();
            }
            case "contentBlockStart" -> contentBlockStart(p);
            case "contentBlockDelta" -> contentBlockDelta(p);
            case "messageStop" -> messageStop(p);
            case "metadata" -> metadata(p);
            default -> p.skipChildren(); // contentBlockStop, and events added after this was written
        }
    }

    private void contentBlockStart(JsonParser p) throws IOException {
        ensureStarted();
        int block = -1;
        String id = null;
        String name = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            p.nextToken();
            if (field.equals("contentBlockIndex")) {
                block = p.getIntValue();
            } else if (field.equals("start") && p.currentToken() == JsonToken.START_OBJECT) {
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    boolean toolUse = p.currentName().equals("toolUse");
                    p.nextToken();
                    if (toolUse && p.currentToken() == JsonToken.START_OBJECT) {
                        while (p.nextToken() == JsonToken.FIELD_NAME) {
                            String f = p.currentName();
                            p.nextToken();
                            switch (f) {
                                case "toolUseId" -> id = p.getText();
                                case "name" -> name = p.getText();
                                default -> p.skipChildren();
                            }
                        }
                    } else {
                        p.skipChildren();
                    }
                }
            } else {
                p.skipChildren();
            }
        }
        if (name != null) {
            int index = tools++;
            if (block >= 0) {
                mapBlock(block, index);
            }
            out.toolCall(index, id, name);
        }
    }

    private void contentBlockDelta(JsonParser p) throws IOException {
        ensureStarted();
        int block = -1;
        String pendingInput = null; // tool input seen before its block index: rare, so a copy is fine
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            p.nextToken();
            if (field.equals("contentBlockIndex")) {
                block = p.getIntValue();
            } else if (field.equals("delta") && p.currentToken() == JsonToken.START_OBJECT) {
                pendingInput = delta(p, block);
            } else {
                p.skipChildren();
            }
        }
        if (pendingInput != null) {
            out.toolArguments(toolOf(block), pendingInput);
        }
    }

    /** Reads a delta object; returns tool input that must wait for the block index, else null. */
    private String delta(JsonParser p, int block) throws IOException {
        String pending = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String kind = p.currentName();
            JsonToken t = p.nextToken();
            switch (kind) {
                case "text" -> out.text(chars.of(p));
                case "toolUse" -> {
                    while (t == JsonToken.START_OBJECT && p.nextToken() == JsonToken.FIELD_NAME) {
                        boolean input = p.currentName().equals("input");
                        p.nextToken();
                        if (!input) {
                            p.skipChildren();
                        } else if (block >= 0) {
                            out.toolArguments(toolOf(block), chars.of(p));
                        } else {
                            pending = p.getText();
                        }
                    }
                }
                case "reasoningContent" -> {
                    while (t == JsonToken.START_OBJECT && p.nextToken() == JsonToken.FIELD_NAME) {
                        String f = p.currentName();
                        p.nextToken();
                        switch (f) {
                            case "text" -> out.thinking(chars.of(p));
                            case "signature" -> out.thinkingSignature(p.getText());
                            case "redactedContent" -> out.redactedThinking(p.getText());
                            default -> p.skipChildren();
                        }
                    }
                }
                default -> p.skipChildren(); // citation deltas and the like: no place in the chat model
            }
        }
        return pending;
    }

    private void messageStop(JsonParser p) throws IOException {
        ensureStarted();
        String reason = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            p.nextToken();
            if (field.equals("stopReason")) {
                reason = p.getText();
            } else {
                p.skipChildren();
            }
        }
        if (!finished) {
            finished = true;
            out.finish(StopReasons.of(reason), null);
        }
    }

    private void metadata(JsonParser p) throws IOException {
        ensureStarted();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            p.nextToken();
            if (field.equals("usage") && p.currentToken() == JsonToken.START_OBJECT) {
                out.usage(ConverseUsage.read(p));
            } else {
                p.skipChildren(); // metrics.latencyMs, trace, performanceConfig
            }
        }
        if (!finished) {
            return; // metadata before messageStop: keep waiting for the finish (a cut stream stays an error)
        }
        done = true;
        out.end();
    }

    private static String message(JsonParser p) throws IOException {
        String message = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            p.nextToken();
            if (field.equalsIgnoreCase("message")) {
                message = p.getText();
            } else {
                p.skipChildren();
            }
        }
        return message;
    }

    private void ensureStarted() {
        if (!started) {
            started = true;
            out.start(null, null);
        }
    }

    private void fail(ChatError error) {
        if (!done) {
            done = true;
            out.error(error);
        }
    }

    private void mapBlock(int block, int tool) {
        if (block >= toolOfBlock.length) {
            int old = toolOfBlock.length;
            toolOfBlock = Arrays.copyOf(toolOfBlock, Math.max(old * 2, block + 1));
            Arrays.fill(toolOfBlock, old, toolOfBlock.length, -1);
        }
        toolOfBlock[block] = tool;
    }

    /** The tool call of {@code block}; a tool delta for a block that never started one is the latest call's. */
    private int toolOf(int block) {
        int t = block >= 0 && block < toolOfBlock.length ? toolOfBlock[block] : -1;
        return t >= 0 ? t : Math.max(0, tools - 1);
    }
}
