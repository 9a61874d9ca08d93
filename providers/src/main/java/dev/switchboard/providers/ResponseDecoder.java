package dev.switchboard.providers;

import java.nio.ByteBuffer;

/** Reads one backend response as it arrives and turns it into {@link dev.switchboard.providers.chat.ChatEvents}. */
public interface ResponseDecoder {

    /** Consumes {@code chunk}'s remaining bytes (position unchanged); a whole-body decoder only keeps them. */
    void feed(ByteBuffer chunk);

    /**
     * The upstream body ended. A whole body is decoded now; a stream that ended without its final event reports
     * {@link dev.switchboard.providers.chat.ChatEvents#error} (a cut stream must not look complete).
     */
    void end();
}
