package dev.switchboard.bench.client;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpResponse;

/**
 * Receives one HTTP exchange as it happens. Every method runs on the client's event loop and must not block. After
 * {@link #onSent}, exactly one of {@link #onEnd} and {@link #onFailure} is called, and nothing after it;
 * {@link #onFailure} may also come without {@link #onSent} (connect failure, timeout while connecting).
 */
public interface ResponseListener {

    /** The request was handed to the connection at {@code nanos} ({@link System#nanoTime()}). */
    void onSent(long nanos);

    /** The status line and headers arrived. */
    void onHead(HttpResponse head, long nanos);

    /** A piece of the body arrived. {@code content} is borrowed: read it, don't release or keep it. */
    void onContent(ByteBuf content, long nanos);

    /** The response is complete. */
    void onEnd(long nanos);

    /** The exchange failed; no more calls follow. */
    void onFailure(ErrorKind kind, String message);
}
