package dev.switchboard.providers.wire;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Writes server-sent events whose data is one JSON value, through one JSON generator kept for the whole stream (no
 * generator, and so no buffer, per event). {@link #begin} writes the event's head and returns the generator for its
 * JSON; {@link #end} closes the event and pushes its bytes to the sink.
 */
public final class SseWriter {
    private static final JsonFactory JSON = new JsonFactory();

    private final ByteSink out;
    private final JsonGenerator json;

    public SseWriter(ByteSink out) {
        this.out = out;
        try {
            this.json = JSON.createGenerator(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        json.setRootValueSeparator(null);
    }

    /** Starts an event named {@code event} (null for an unnamed one) and returns the generator for its data. */
    public JsonGenerator begin(String event) {
        flush();
        if (event != null) {
            out.writeAscii("event: ");
            out.writeAscii(event);
            out.write('\n');
        }
        out.writeAscii("data: ");
        return json;
    }

    /** Ends the event begun last. */
    public void end() {
        flush();
        out.write('\n');
        out.write('\n');
    }

    /** An event whose data is the literal {@code data} (e.g. OpenAI's {@code [DONE]}). */
    public void raw(String event, String data) {
        flush();
        if (event != null) {
            out.writeAscii("event: ");
            out.writeAscii(event);
            out.write('\n');
        }
        out.writeAscii("data: ");
        out.writeAscii(data);
        out.writeAscii("\n\n");
    }

    /** The generator, for a caller that writes a whole JSON body (not an event) to the same sink. */
    public JsonGenerator json() {
        flush();
        return json;
    }

    public void flush() {
        try {
            json.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a ByteSink does not fail
        }
    }
}
