package dev.switchboard.providers.wire;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.async.ByteArrayFeeder;
import com.fasterxml.jackson.core.util.JsonParserDelegate;
import java.io.IOException;

/**
 * One JSON parser for a whole stream of events (an SSE stream's data, an event stream's payloads): each event's bytes
 * are fed to the same non-blocking parser, which reads them as the next root value. Creating a parser per event
 * costs about 700 bytes of garbage (the parser, its context, a symbol table child); a stream of thousands of
 * tokens should cost none per token.
 *
 * <p>Use: {@code JsonParser p = events.next(bytes, off, len);} then read one root value from {@code p} (to its end
 * or not); never close it. An event left half read is skipped at the next call; one that was malformed or cut
 * leaves the parser mid-value, so the next call starts a fresh parser (only then is one allocated).
 */
public final class EventParser {
    private static final JsonFactory JSON = new JsonFactory();

    private JsonParser parser;
    private ByteArrayFeeder feeder;
    /** What decoders read: the parser, except that running out of input inside an event is an error. */
    private JsonParser strict;

    /** The parser, positioned before the first token of the JSON value in {@code bytes[offset, offset+length)}. */
    public JsonParser next(byte[] bytes, int offset, int length) throws IOException {
        if (parser == null || !drained()) {
            open();
        }
        feeder.feedInput(bytes, offset, offset + length);
        return strict;
    }

    /** Reads what the last event left unread; true when the parser is back at its root, ready for another. */
    private boolean drained() {
        try {
            while (feeder.needMoreInput() ? false : parser.nextToken() != JsonToken.NOT_AVAILABLE) {
                // the rest of an event the decoder did not need
            }
            return feeder.needMoreInput() && parser.getParsingContext().inRoot();
        } catch (IOException e) {
            return false;
        }
    }

    private void open() throws IOException {
        if (parser != null) {
            parser.close();
        }
        parser = JSON.createNonBlockingByteArrayParser();
        feeder = (ByteArrayFeeder) parser.getNonBlockingInputFeeder();
        strict = new JsonParserDelegate(parser) {
            @Override
            public JsonToken nextToken() throws IOException {
                JsonToken t = delegate.nextToken();
                if (t == JsonToken.NOT_AVAILABLE) { // a whole event was fed: its JSON is cut or malformed
                    throw new JsonParseException(delegate, "the event ends before its JSON value does");
                }
                return t;
            }

            @Override
            public void close() {
                // the stream's parser outlives each event
            }
        };
    }
}
