package dev.switchboard.providers;

import dev.switchboard.providers.chat.Usage;
import dev.switchboard.providers.wire.ByteSink;
import java.nio.ByteBuffer;

/**
 * One backend response on its way to the client in the client's format. The caller feeds the upstream body as it
 * arrives and, after each feed, sends (and then resets) what {@link #out()} holds. A streamed translation writes as
 * it reads; a whole-body one (a non-streamed answer, an error) writes everything at {@link #end()}.
 */
public interface ResponseTranslation {

    /** Whether output follows input chunk by chunk (so the client's head goes out now, without a length). */
    boolean streamed();

    /**
     * The client response's content type, or null to keep the upstream's: only a response relayed byte for byte
     * (watched by a {@link dev.switchboard.providers.govern.ResponseHook} that does not rewrite) answers null.
     */
    String contentType();

    void feed(ByteBuffer chunk);

    /** The upstream body ended. */
    void end();

    /** The translated bytes not yet taken; the caller resets it after sending them. */
    ByteSink out();

    /**
     * The status to answer a whole (not streamed) translation with, given the upstream's: the upstream's, unless
     * the answer could not be translated (a 2xx body that is not the backend's format, too large, an error object),
     * whose error's status then goes with its error body. Known at {@link #end()}.
     */
    default int status(int upstream) {
        return upstream;
    }

    /** The token usage seen, or {@link Usage#UNKNOWN}. */
    Usage usage();
}
