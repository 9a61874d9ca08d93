package dev.switchboard.providers.wire;

import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A growable byte buffer that encoders write to and the caller empties after each step (one stream chunk in, the
 * translated bytes out). Reused for the whole response, so a stream costs no allocation per chunk once the buffer has
 * grown to the largest chunk. Not thread-safe.
 */
public final class ByteSink extends OutputStream {
    private byte[] buf;
    private int size;

    public ByteSink(int initialCapacity) {
        buf = new byte[Math.max(16, initialCapacity)];
    }

    public ByteSink() {
        this(256);
    }

    @Override
    public void write(int b) {
        ensure(1);
        buf[size++] = (byte) b;
    }

    @Override
    public void write(byte[] b, int off, int len) {
        ensure(len);
        System.arraycopy(b, off, buf, size, len);
        size += len;
    }

    @Override
    public void write(byte[] b) {
        write(b, 0, b.length);
    }

    public void write(ByteBuffer b) {
        int len = b.remaining();
        ensure(len);
        b.get(b.position(), buf, size, len); // absolute: no view object, the position unchanged
        size += len;
    }

    /** Writes {@code s} as ASCII (each char's low byte): for protocol words and numbers, not for user text. */
    public void writeAscii(String s) {
        int len = s.length();
        ensure(len);
        for (int i = 0; i < len; i++) {
            buf[size++] = (byte) s.charAt(i);
        }
    }

    public void writeUtf8(String s) {
        write(s.getBytes(StandardCharsets.UTF_8));
    }

    public int size() {
        return size;
    }

    public boolean isEmpty() {
        return size == 0;
    }

    /** The backing array; bytes {@code [0, size())} are the content. Valid until the next write or reset. */
    public byte[] array() {
        return buf;
    }

    public byte[] toByteArray() {
        return Arrays.copyOf(buf, size);
    }

    /** The content as a buffer view (no copy); valid until the next write or reset. */
    public ByteBuffer view() {
        return ByteBuffer.wrap(buf, 0, size);
    }

    public void reset() {
        size = 0;
    }

    /** Drops the first {@code n} bytes, keeping the rest at the front. */
    public void discard(int n) {
        System.arraycopy(buf, n, buf, 0, size - n);
        size -= n;
    }

    public String toString() {
        return new String(buf, 0, size, StandardCharsets.UTF_8);
    }

    private void ensure(int more) {
        if (size + more > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + more));
        }
    }
}
