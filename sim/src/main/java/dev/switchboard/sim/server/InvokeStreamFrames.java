package dev.switchboard.sim.server;

import dev.switchboard.providers.eventstream.EventStreamEncoder;
import dev.switchboard.providers.wire.ByteSink;
import dev.switchboard.providers.wire.SseReader;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.Base64;

/**
 * Claude on Bedrock's stream framing (InvokeModelWithResponseStream): each Anthropic SSE event the codec's encoder
 * wrote becomes one event-stream frame of event type {@code chunk} whose payload is
 * {@code {"bytes":"<base64 of the event's JSON>"}}, what {@code InvokeStreamUnwrapper} reads on the other side. The
 * SSE framing (event names) is dropped: the JSON's {@code type} says the event.
 */
final class InvokeStreamFrames {
    private static final byte[] OPEN = "{\"bytes\":\"".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final byte[] CLOSE = "\"}".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private final EventStreamEncoder frames = new EventStreamEncoder();
    private final ByteSink payload = new ByteSink(512);
    private final ByteSink out = new ByteSink(1024);
    private final SseReader events = new SseReader((event, data, offset, length) -> frame(data, offset, length));

    /** The frames of the whole SSE events in {@code sse}; valid until the next call. */
    ByteSink wrap(ByteSink sse) {
        out.reset();
        events.feed(sse.view());
        return out;
    }

    private void frame(byte[] data, int offset, int length) {
        payload.reset();
        payload.write(OPEN);
        try (OutputStream base64 = Base64.getEncoder().wrap(payload)) {
            base64.write(data, offset, length);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        payload.write(CLOSE);
        frames.event(out, "chunk", payload.array(), 0, payload.size());
    }
}
