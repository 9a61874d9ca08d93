package dev.switchboard.bench.client;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** A growing heap copy of a response body, up to a cap; what a whole (non-streamed) body is parsed from. */
final class BodyBuffer {
    private final int cap;
    private byte[] bytes = new byte[256];
    private int length;
    private boolean truncated;

    BodyBuffer(int cap) {
        this.cap = cap;
    }

    /** Copies {@code content} (borrowed) in; bytes beyond the cap are dropped and {@link #truncated()} turns true. */
    void append(ByteBuf content) {
        int n = Math.min(content.readableBytes(), cap - length);
        if (n < content.readableBytes()) {
            truncated = true;
        }
        if (n <= 0) {
            return;
        }
        if (length + n > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.min(cap, Math.max(length + n, bytes.length * 2)));
        }
        content.getBytes(content.readerIndex(), bytes, length, n);
        length += n;
    }

    byte[] array() {
        return bytes;
    }

    int length() {
        return length;
    }

    boolean truncated() {
        return truncated;
    }

    String text() {
        return new String(bytes, 0, length, StandardCharsets.UTF_8);
    }
}
