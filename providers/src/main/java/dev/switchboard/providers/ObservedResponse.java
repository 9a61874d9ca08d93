package dev.switchboard.providers;

import dev.switchboard.providers.chat.Usage;
import dev.switchboard.providers.govern.ResponseHook;
import dev.switchboard.providers.wire.ByteSink;
import java.nio.ByteBuffer;

/**
 * A 2xx response relayed byte for byte, with a decoder beside the relay feeding a watching {@link ResponseHook}: what
 * the hook forwards is dropped but for the usage. The relay comes first: a body the side decoder cannot read (a
 * decoder that throws) stops the decoding, never the response; the usage is then what was seen before.
 */
final class ObservedResponse implements ResponseTranslation {
    private final boolean stream;
    private final ResponseDecoder decoder;
    private final ByteSink out = new ByteSink(1024);
    /** The client gets the upstream's bytes, so of what the hook forwards only the usage is kept. */
    private final UsageOnlyEvents seen = new UsageOnlyEvents();
    private boolean decoding = true;

    /** {@code backend}: the codec that reads this response's format (for a Gemini client, the one its query chose). */
    ObservedResponse(WireCodec backend, boolean stream, ResponseHook hook) {
        this.stream = stream;
        this.decoder = backend.responseDecoder(stream, hook.wrap(seen));
    }

    @Override
    public boolean streamed() {
        return stream;
    }

    /** Null: the upstream's content type is kept, as the bytes are. */
    @Override
    public String contentType() {
        return null;
    }

    @Override
    public void feed(ByteBuffer chunk) {
        out.write(chunk.duplicate());
        if (decoding) {
            try {
                decoder.feed(chunk);
            } catch (RuntimeException e) { // a body the decoder cannot read still reaches the client as it is
                decoding = false;
            }
        }
    }

    @Override
    public void end() {
        if (decoding) {
            try {
                decoder.end();
            } catch (RuntimeException e) {
                decoding = false;
            }
        }
    }

    @Override
    public ByteSink out() {
        return out;
    }

    @Override
    public Usage usage() {
        return seen.usage();
    }
}
