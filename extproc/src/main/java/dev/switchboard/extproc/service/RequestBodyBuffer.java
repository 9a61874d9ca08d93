package dev.switchboard.extproc.service;

import com.google.protobuf.ByteString;

/**
 * The request body as Envoy streams it, kept until its end (the model and the prompt must be read before the
 * pick), up to a limit. Chunks are joined as a rope: nothing is copied until the body is parsed.
 */
final class RequestBodyBuffer {
    private final long maxBytes;
    private ByteString body = ByteString.EMPTY;
    private boolean over;

    RequestBodyBuffer(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    /** Adds a chunk; false (and the body dropped) once the body is over the limit. */
    boolean add(ByteString chunk) {
        if (over) {
            return false;
        }
        if ((long) body.size() + chunk.size() > maxBytes) {
            over = true;
            body = ByteString.EMPTY;
            return false;
        }
        body = body.concat(chunk);
        return true;
    }

    /** The body so far. */
    ByteString body() {
        return body;
    }

    long maxBytes() {
        return maxBytes;
    }
}
