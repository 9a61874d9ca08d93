package dev.switchboard.providers.bedrock;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.switchboard.providers.chat.ChatError;
import dev.switchboard.providers.eventstream.EventStreamDecoder;
import dev.switchboard.providers.eventstream.EventStreamException;
import dev.switchboard.providers.wire.ByteSink;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Unwraps an InvokeModelWithResponseStream answer (Claude on Bedrock, {@code AWSAnthropic}): event-stream frames of
 * event type {@code chunk} whose payload is {@code {"bytes":"<base64 of one Anthropic stream event's JSON>"}}. Each
 * event's JSON goes to {@link Listener#onEvent}; an exception frame, a bad frame or an unreadable chunk goes to
 * {@link Listener#onError} once, and the rest of the stream is ignored. Independent of the Anthropic codec: the
 * caller connects it to that codec's per-event decoder.
 *
 * <p>Cost: Jackson decodes the base64 straight into one buffer reused for the stream; one parser per frame.
 */
public final class InvokeStreamUnwrapper {
    /** Receives the unwrapped events. */
    public interface Listener {
        /** One Anthropic stream event's JSON, bytes {@code [offset, offset + length)}, valid during the call only. */
        void onEvent(byte[] json, int offset, int length);

        /** The stream failed: an exception frame (its type's status) or a frame that could not be read (502). */
        void onError(ChatError error);
    }

    private static final JsonFactory JSON = new JsonFactory();

    private final Listener listener;
    private final ByteSink decoded = new ByteSink(1024);
    private final EventStreamDecoder frames;
    private boolean failed;

    public InvokeStreamUnwrapper(Listener listener) {
        this.listener = listener;
        this.frames = new EventStreamDecoder(new EventStreamDecoder.Listener() {
            @Override
            public void onMessage(String messageType, String type, byte[] payload, int offset, int length) {
                message(messageType, type, payload, offset, length);
            }

            @Override
            public void onError(String code, String message) {
                fail(BedrockExceptions.error(code, message));
            }
        });
    }

    /** Consumes {@code chunk}'s remaining bytes (position unchanged). */
    public void feed(ByteBuffer chunk) {
        if (failed) {
            return;
        }
        try {
            frames.feed(chunk);
        } catch (EventStreamException e) {
            fail(new ChatError(502, ChatError.Kind.SERVER, "Bedrock's stream is not a valid event stream: "
                    + e.getMessage(), null));
        }
    }

    /** Whether the stream stopped in the middle of a frame (the caller's decoder decides whether it was complete). */
    public boolean pending() {
        return frames.pending();
    }

    private void message(String messageType, String type, byte[] payload, int offset, int length) {
        if (failed) {
            return;
        }
        try (JsonParser p = JSON.createParser(payload, offset, length)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new IOException("the payload is not a JSON object");
            }
            String message = null;
            boolean found = false;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                p.nextToken();
                if (field.equals("bytes") && p.currentToken() == JsonToken.VALUE_STRING) {
                    decoded.reset();
                    p.readBinaryValue(decoded);
                    found = true;
                } else if (field.equalsIgnoreCase("message") && p.currentToken() == JsonToken.VALUE_STRING) {
                    message = p.getText();
                } else {
                    p.skipChildren();
                }
            }
            if ("exception".equals(messageType)) {
                fail(BedrockExceptions.error(type, message));
            } else if (found && (type == null || type.equals("chunk"))) {
                listener.onEvent(decoded.array(), 0, decoded.size());
            }
        } catch (IOException e) {
            fail(new ChatError(502, ChatError.Kind.SERVER, "Bedrock sent an unreadable " + type + " frame: "
                    + e.getMessage(), null));
        }
    }

    private void fail(ChatError error) {
        if (!failed) {
            failed = true;
            listener.onError(error);
        }
    }
}
