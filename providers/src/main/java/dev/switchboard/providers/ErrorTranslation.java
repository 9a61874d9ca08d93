package dev.switchboard.providers;

import dev.switchboard.providers.chat.Usage;
import dev.switchboard.providers.wire.ByteSink;
import java.nio.ByteBuffer;

/** A backend's error body (any non-2xx) → the client's error shape, same status. Read whole, bounded. */
final class ErrorTranslation implements ResponseTranslation {
    /** An error body larger than this is cut before it is decoded (errors are short; this is a bound, not a need). */
    static final int MAX_ERROR_BYTES = 64 * 1024;

    private final int status;
    private final WireCodec backend;
    private final WireCodec client;
    private final ByteSink body = new ByteSink(512);
    private final ByteSink out = new ByteSink(256);

    ErrorTranslation(int status, WireCodec backend, WireCodec client) {
        this.status = status;
        this.backend = backend;
        this.client = client;
    }

    @Override
    public boolean streamed() {
        return false;
    }

    @Override
    public String contentType() {
        return client.contentType(false);
    }

    @Override
    public void feed(ByteBuffer chunk) {
        int room = MAX_ERROR_BYTES - body.size();
        if (room > 0) {
            ByteBuffer b = chunk.duplicate();
            if (b.remaining() > room) {
                b.limit(b.position() + room);
            }
            body.write(b);
        }
    }

    @Override
    public void end() {
        out.write(client.encodeError(backend.decodeError(status, body.toByteArray())));
    }

    @Override
    public ByteSink out() {
        return out;
    }

    @Override
    public Usage usage() {
        return Usage.UNKNOWN;
    }
}
