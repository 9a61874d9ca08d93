package dev.switchboard.core.model;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.async.ByteBufferFeeder;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Reads the top-level fields the gateway routes on ({@code model}, {@code stream}) from a JSON request body as its
 * chunks arrive, without building a tree.
 */
public final class RequestScanner {
    /*
     * Problem: the gateway must know the model before it can route, but bodies can be hundreds of kilobytes of
     * prompt; building a tree (or even strings for every field) per request would dominate the hot path.
     * Approach: Jackson's non-blocking parser is fed each chunk as it arrives (no copy, no waiting for the whole
     * body), and only the depth is tracked: a value is read only when it is at depth 1 under a field named model or
     * stream. Every other string is tokenized but never turned into a String. The parser still checks the whole
     * body is well-formed JSON, so malformed input is caught here, with its location, before any upstream sees it.
     * Concurrency: one scanner per request, used by one thread.
     * Cost: one pass over the bytes; allocations: the parser and the model string.
     */

    private static final JsonFactory JSON = new JsonFactory();

    private final JsonParser parser;
    private final ByteBufferFeeder feeder;
    private int depth;
    private String field;
    private boolean rootSeen;
    private String model;
    private JsonToken modelToken;
    private long modelStart = -1;
    private long modelEnd = -1;
    private boolean stream;
    private JsonToken streamToken;
    private long promptStart = -1;

    public RequestScanner() {
        try {
            this.parser = JSON.createNonBlockingByteBufferParser();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        this.feeder = (ByteBufferFeeder) parser.getNonBlockingInputFeeder();
    }

    /**
     * Consumes one chunk; the buffer is read fully before this returns and is not kept.
     *
     * @throws IOException with the parser's message when the bytes are not valid JSON
     */
    public void feed(ByteBuffer chunk) throws IOException {
        if (!chunk.hasRemaining()) {
            return;
        }
        feeder.feedInput(chunk);
        drainReporting();
    }

    /**
     * Marks the end of the body and closes the parser (its buffers go back to Jackson's pool instead of living as
     * long as the request). Throws if the JSON is incomplete or not an object.
     */
    public void end() throws IOException {
        feeder.endOfInput();
        try {
            drainReporting();
        } catch (IOException e) {
            if (rootSeen && depth > 0) {
                throw new IOException("the request body ends before its JSON is complete", e);
            }
            throw e;
        } finally {
            parser.close();
        }
        if (!rootSeen) {
            throw new IOException("the request body is empty; expected a JSON object");
        }
        if (depth != 0) {
            throw new IOException("the request body ends before its JSON is complete");
        }
    }

    /** Drains, turning the parser's errors into a message fit for a client: what is wrong and where. */
    private void drainReporting() throws IOException {
        try {
            drain();
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            // not chained: the parser's own exception quotes the body (see withoutBodyText)
            throw new IOException(withoutBodyText(e.getOriginalMessage())
                    + (at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")"));
        }
    }

    /**
     * Jackson's message for a bare word that is not {@code true}, {@code false} or {@code null} quotes the whole word,
     * up to 256 characters of the body: prompt text, or a key pasted without quotes. The message goes into the
     * client's 400 and may be logged, so that word is left out; the location still says where it is. Jackson's other
     * messages quote at most one character.
     */
    static String withoutBodyText(String parserMessage) {
        return parserMessage.startsWith("Unrecognized token ") ? UNRECOGNIZED_TOKEN : parserMessage;
    }

    private static final String UNRECOGNIZED_TOKEN = "Unrecognized token: was expecting (JSON String, Number, Array,"
            + " Object or token 'null', 'true' or 'false')";

    private void drain() throws IOException {
        for (JsonToken t; (t = parser.nextToken()) != null && t != JsonToken.NOT_AVAILABLE; ) {
            if (!rootSeen) {
                rootSeen = true;
                if (t != JsonToken.START_OBJECT) {
                    throw new IOException("the request body must be a JSON object");
                }
                depth = 1;
                continue;
            }
            if (depth == 0) {
                throw new IOException("unexpected data after the JSON object");
            }
            switch (t) {
                case FIELD_NAME -> field = depth == 1 ? parser.currentName() : null;
                case START_OBJECT, START_ARRAY -> {
                    valueAtTop(t);
                    depth++;
                }
                case END_OBJECT, END_ARRAY -> depth--;
                default -> valueAtTop(t);
            }
        }
    }

    private void valueAtTop(JsonToken t) throws IOException {
        if (depth != 1 || field == null) {
            return;
        }
        switch (field) {
            case "messages", "prompt", "input" -> {
                if (promptStart < 0) {
                    // the async parser locates a value just past its first character ('"', '[' or '{')
                    promptStart = parser.currentTokenLocation().getByteOffset() - 1;
                }
            }
            case "model" -> {
                modelToken = t;
                model = t == JsonToken.VALUE_STRING ? parser.getText() : null;
                // the async parser locates a string token just past its opening quote (the test pins this down)
                modelStart = parser.currentTokenLocation().getByteOffset() - 1;
                modelEnd = parser.currentLocation().getByteOffset();
            }
            case "stream" -> {
                streamToken = t;
                stream = t == JsonToken.VALUE_TRUE;
            }
            default -> { }
        }
        field = null;
    }

    /** The top-level {@code model} string, or null when absent or not a string (see {@link #modelProblem}). */
    public String model() {
        return model;
    }

    /** Why {@link #model} is unusable ("missing", "not a string"), or null when it is fine. */
    public String modelProblem() {
        if (modelToken == null || modelToken == JsonToken.VALUE_NULL) {
            return "missing";
        }
        if (model == null) {
            return "not a string";
        }
        return model.isEmpty() ? "empty" : null;
    }

    /**
     * Byte offset where the prompt's value starts (the first top-level {@code messages}, {@code prompt} or
     * {@code input}), or -1: prefix affinity hashes from here, so the JSON envelope every request shares does not
     * look like a shared prompt.
     */
    public long promptStart() {
        return promptStart;
    }

    /** Byte offset of the model value's opening quote in the body, or -1. */
    public long modelStart() {
        return modelStart;
    }

    /** Byte offset just past the model value's closing quote, or -1. */
    public long modelEnd() {
        return modelEnd;
    }

    /** Whether the body asks for a streamed response ({@code "stream": true}). */
    public boolean stream() {
        return stream;
    }

    /** Whether {@code stream} is present with a non-boolean value. */
    public boolean streamInvalid() {
        return streamToken != null && streamToken != JsonToken.VALUE_TRUE && streamToken != JsonToken.VALUE_FALSE
                && streamToken != JsonToken.VALUE_NULL;
    }
}
