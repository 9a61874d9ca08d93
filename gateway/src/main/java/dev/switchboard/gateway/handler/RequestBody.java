package dev.switchboard.gateway.handler;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * One request's body as it arrives: copied into a single buffer that grows in steps, its capacity reserved
 * against the gateway's {@link RequestBuffers}. Kept for retries until the response commits. Confined to the
 * request's event loop.
 */
final class RequestBody {
    /*
     * Problem: a body may arrive in any number of pieces (HTTP/1.1 chunks, HTTP/2 DATA frames, TCP segments; a
     * hostile client sends one byte per piece). Keeping each piece (a retained slice of the decoder's buffer, as a
     * CompositeByteBuf component) costs an object per piece and pins every read buffer a piece lives in: a 32 MiB
     * body in 1-byte chunks became millions of components.
     * Approach: copy each piece into one buffer. It starts at the declared Content-Length (up to FIRST_CAPACITY) or
     * at FIRST_CAPACITY without one, and doubles when full, never past the declared length or the body limit. So the
     * usual body is one allocation of its exact size; a large or undeclared one costs at most log2(size / 16 KiB)
     * copies (2x its size in all), and memory stays within 2x what arrived. Each growth reserves its difference
     * first; the whole reservation is returned when the body is released.
     * Ownership: the body owns its buffer until release(); content() is borrowed by the attempts, which take
     * retained slices of it for each upstream request.
     */

    /** First buffer size when the body's length is unknown or large: most chat requests fit in 16 KiB. */
    static final int FIRST_CAPACITY = 16 * 1024;

    /** Why a piece could not be kept. */
    enum Refusal { TOO_LARGE, NO_BUDGET }

    private final ByteBufAllocator alloc;
    private final RequestBuffers budget;
    private final int maxBytes;
    /** The declared length, or -1. */
    private final long declared;
    private ByteBuf buffer;
    private long reserved;
    private boolean freed;

    RequestBody(ByteBufAllocator alloc, RequestBuffers budget, int maxBytes, long declaredLength) {
        this.alloc = alloc;
        this.budget = budget;
        this.maxBytes = maxBytes;
        this.declared = declaredLength;
    }

    /** Copies {@code piece} (borrowed) to the end of the body; null when kept, else why not (nothing changed). */
    Refusal append(ByteBuf piece) {
        int n = piece.readableBytes();
        int size = size();
        if ((long) size + n > maxBytes) {
            return Refusal.TOO_LARGE;
        }
        if (buffer == null || buffer.writableBytes() < n) {
            int capacity = nextCapacity(size + n);
            if (!budget.tryReserve(capacity - (buffer == null ? 0 : buffer.capacity()))) {
                return Refusal.NO_BUDGET;
            }
            reserved += capacity - (buffer == null ? 0 : buffer.capacity());
            if (buffer == null) {
                buffer = alloc.buffer(capacity, maxBytes);
            } else {
                buffer.capacity(capacity);
            }
        }
        buffer.writeBytes(piece, piece.readerIndex(), n);
        return null;
    }

    /** The smallest step (doubling from the first size) that holds {@code needed}, within the declared length. */
    private int nextCapacity(int needed) {
        long cap = buffer == null
                ? (declared >= 0 && declared <= FIRST_CAPACITY ? Math.max(1, declared) : FIRST_CAPACITY)
                : buffer.capacity();
        while (cap < needed) {
            cap *= 2;
        }
        long ceiling = declared >= needed ? declared : maxBytes;
        return (int) Math.max(needed, Math.min(cap, ceiling));
    }

    int size() {
        return buffer == null ? 0 : buffer.readableBytes();
    }

    /** The bytes so far (borrowed: slice or read, don't release); an empty buffer when none arrived. */
    ByteBuf content() {
        if (freed) {
            throw new IllegalStateException("the request body was already released");
        }
        if (buffer == null) {
            buffer = alloc.buffer(0, 0);
        }
        return buffer;
    }

    /** The buffer's capacity now (what the body costs in memory). */
    int capacity() {
        return buffer == null ? 0 : buffer.capacity();
    }

    /** Frees the buffer and returns its reservation; idempotent. */
    void release() {
        freed = true;
        if (buffer != null) {
            buffer.release();
            buffer = null;
        }
        if (reserved > 0) {
            budget.release(reserved);
            reserved = 0;
        }
    }

    boolean released() {
        return freed;
    }
}
