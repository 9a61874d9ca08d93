package dev.switchboard.providers.eventstream;

import dev.switchboard.providers.wire.ByteSink;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;

/**
 * Writes AWS event-stream frames (the layout is in {@link EventStreamDecoder}) into a {@link ByteSink}: the
 * simulator's Bedrock personality and tests. A frame is built in place: {@link #begin} reserves the prelude, header
 * methods append, {@link #payload} appends the payload, patches the lengths and writes both checksums. One encoder is
 * reused for a whole stream; not thread-safe.
 *
 * <pre>{@code
 * enc.begin(out).string(":event-type", "contentBlockDelta").string(":content-type", "application/json")
 *    .string(":message-type", "event").payload(json, 0, json.length);
 * }</pre>
 */
public final class EventStreamEncoder {
    private final CRC32 crc = new CRC32();
    private ByteSink out;
    private int frame = -1;

    /** Starts a frame at the end of {@code sink}. */
    public EventStreamEncoder begin(ByteSink sink) {
        if (frame >= 0) {
            throw new IllegalStateException("the previous frame was not finished with payload(...)");
        }
        out = sink;
        frame = sink.size();
        for (int i = 0; i < EventStreamDecoder.PRELUDE; i++) {
            sink.write(0); // patched by payload()
        }
        return this;
    }

    /** An {@code event} frame as Bedrock sends them: {@code :event-type}, {@code :content-type} JSON, {@code :message-type}. */
    public void event(ByteSink sink, String eventType, byte[] json, int off, int len) {
        begin(sink).string(":event-type", eventType).string(":content-type", "application/json")
                .string(":message-type", "event").payload(json, off, len);
    }

    /** An {@code exception} frame: {@code json} is {@code {"message":"..."}}. */
    public void exception(ByteSink sink, String exceptionType, byte[] json, int off, int len) {
        begin(sink).string(":exception-type", exceptionType).string(":content-type", "application/json")
                .string(":message-type", "exception").payload(json, off, len);
    }

    public EventStreamEncoder string(String name, String value) {
        return variable(name, 7, value.getBytes(StandardCharsets.UTF_8));
    }

    public EventStreamEncoder bytes(String name, byte[] value) {
        return variable(name, 6, value);
    }

    public EventStreamEncoder bool(String name, boolean value) {
        name(name, value ? 0 : 1);
        return this;
    }

    public EventStreamEncoder int8(String name, byte value) {
        name(name, 2);
        out.write(value);
        return this;
    }

    public EventStreamEncoder int16(String name, short value) {
        name(name, 3);
        writeBigEndian(value, 2);
        return this;
    }

    public EventStreamEncoder int32(String name, int value) {
        name(name, 4);
        writeBigEndian(value, 4);
        return this;
    }

    public EventStreamEncoder int64(String name, long value) {
        name(name, 5);
        writeBigEndian(value, 8);
        return this;
    }

    /** A timestamp: milliseconds since the epoch. */
    public EventStreamEncoder timestamp(String name, long epochMillis) {
        name(name, 8);
        writeBigEndian(epochMillis, 8);
        return this;
    }

    public EventStreamEncoder uuid(String name, long mostSignificant, long leastSignificant) {
        name(name, 9);
        writeBigEndian(mostSignificant, 8);
        writeBigEndian(leastSignificant, 8);
        return this;
    }

    /** Appends the payload and completes the frame: lengths and both checksums. */
    public void payload(byte[] payload, int off, int len) {
        check();
        int headersLength = out.size() - frame - EventStreamDecoder.PRELUDE;
        out.write(payload, off, len);
        int total = out.size() - frame + 4;
        if (headersLength > EventStreamDecoder.MAX_HEADERS || total > EventStreamDecoder.MAX_FRAME) {
            throw new IllegalArgumentException("event-stream frame too large: " + total + " bytes");
        }
        byte[] a = out.array();
        putInt(a, frame, total);
        putInt(a, frame + 4, headersLength);
        crc.reset();
        crc.update(a, frame, 8);
        putInt(a, frame + 8, (int) crc.getValue());
        crc.reset();
        crc.update(a, frame, total - 4);
        writeBigEndian(crc.getValue(), 4);
        frame = -1;
        out = null;
    }

    private EventStreamEncoder variable(String name, int type, byte[] value) {
        if (value.length > 0xffff) {
            throw new IllegalArgumentException("header '" + name + "' value is longer than 65535 bytes");
        }
        name(name, type);
        writeBigEndian(value.length, 2);
        out.write(value);
        return this;
    }

    private void name(String name, int type) {
        check();
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        if (n.length > 255) {
            throw new IllegalArgumentException("header name longer than 255 bytes: " + name);
        }
        out.write(n.length);
        out.write(n);
        out.write(type);
    }

    private void writeBigEndian(long v, int bytes) {
        for (int shift = (bytes - 1) * 8; shift >= 0; shift -= 8) {
            out.write((int) (v >>> shift));
        }
    }

    private void check() {
        if (frame < 0) {
            throw new IllegalStateException("begin(...) first");
        }
    }

    private static void putInt(byte[] a, int p, int v) {
        a[p] = (byte) (v >>> 24);
        a[p + 1] = (byte) (v >>> 16);
        a[p + 2] = (byte) (v >>> 8);
        a[p + 3] = (byte) v;
    }
}
