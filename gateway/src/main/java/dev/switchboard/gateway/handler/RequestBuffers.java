package dev.switchboard.gateway.handler;

import java.util.concurrent.atomic.AtomicLong;

/**
 * A budget of bytes for buffered request bodies: the whole gateway's, or one HTTP/2 connection's (whose streams
 * then also draw on the gateway's). A body reserves its buffer's capacity as the buffer grows and gives it back
 * when the buffer is released; a reservation that would pass a limit is refused, and the request is answered 503
 * instead of the process running out of memory. Thread-safe: every event loop reserves from the gateway's budget.
 */
public final class RequestBuffers {
    /*
     * Why capacity, not readable bytes: what costs memory is the buffer, and a buffer grows in steps (RequestBody).
     * Why reserve as a body grows rather than its declared Content-Length up front: a client that declares 32 MiB
     * and sends a byte a second holds only what it sent (and at most requestReceivedTimeout), so slow clients cannot
     * take the budget away from fast ones by declaring large bodies.
     * Cost: one CAS loop on a counter shared by all loops per growth step (usually once per request) and one
     * add when the body is released; bodies that fit their first buffer reserve once.
     */

    private final RequestBuffers parent;
    private final long limit;
    private final AtomicLong used = new AtomicLong();

    private RequestBuffers(RequestBuffers parent, long limit) {
        this.parent = parent;
        this.limit = limit;
    }

    /** The gateway's budget. */
    public static RequestBuffers total(long limit) {
        return new RequestBuffers(null, limit);
    }

    /** A connection's budget within this one. */
    public RequestBuffers connection(long limit) {
        return new RequestBuffers(this, limit);
    }

    /** Takes {@code bytes} from this budget (and its parent's); false, and nothing taken, when either is short. */
    boolean tryReserve(long bytes) {
        for (long u = used.get(); ; u = used.get()) {
            if (u + bytes > limit) {
                return false;
            }
            if (used.compareAndSet(u, u + bytes)) {
                break;
            }
        }
        if (parent != null && !parent.tryReserve(bytes)) {
            used.addAndGet(-bytes);
            return false;
        }
        return true;
    }

    /** Gives back bytes taken with {@link #tryReserve}. */
    void release(long bytes) {
        used.addAndGet(-bytes);
        if (parent != null) {
            parent.release(bytes);
        }
    }

    /** Bytes held now. */
    public long used() {
        return used.get();
    }

    public long limit() {
        return limit;
    }
}
