package dev.switchboard.extproc.service;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.google.protobuf.ByteString;
import dev.switchboard.core.error.ApiError;
import dev.switchboard.core.model.RequestScanner;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * What the endpoint picker reads from a request body: the model, whether the response streams, and where the
 * model's value and the prompt are, so the model can be replaced and the prompt hashed without a tree.
 *
 * @param model      the body's {@code model}
 * @param stream     {@code "stream": true}
 * @param modelStart byte offset of the model value's opening quote
 * @param modelEnd   byte offset just past its closing quote
 * @param promptStart byte offset of the prompt ({@code messages}, {@code prompt} or {@code input}), or -1
 */
record ParsedBody(String model, boolean stream, long modelStart, long modelEnd, long promptStart) {
    /** Body bytes given to the picker for prefix affinity (the gateway's reach: 256 blocks of 256 characters). */
    static final int PROMPT_PREFIX_BYTES = 64 * 1024;
    /** Characters per token when only text is known (the reference EPP's estimate). */
    static final int CHARS_PER_TOKEN = 4;

    /** The body parsed; throws the client's 400 (invalid JSON, a model missing or not a string). */
    static ParsedBody parse(ByteString body) throws RequestRejected {
        return parse(body, true);
    }

    /** The same; with {@code modelRequired} false (the path names it: Gemini), a body without a model is fine. */
    static ParsedBody parse(ByteString body, boolean modelRequired) throws RequestRejected {
        RequestScanner scanner = new RequestScanner();
        try {
            for (ByteBuffer b : body.asReadOnlyByteBufferList()) {
                scanner.feed(b);
            }
            scanner.end();
        } catch (IOException e) {
            throw new RequestRejected(ApiError.badRequest("The request body is not valid JSON: " + e.getMessage(), null));
        }
        String problem = scanner.modelProblem();
        if (problem != null && (modelRequired || !problem.equals("missing"))) {
            throw new RequestRejected(ApiError.badRequest("The request body's model is " + problem + "; expected the name of a model"
                    + " as a string.", "model"));
        }
        if (scanner.streamInvalid()) {
            throw new RequestRejected(ApiError.badRequest("The request body's stream must be true or false.", "stream"));
        }
        return new ParsedBody(scanner.model(), scanner.stream(), scanner.modelStart(), scanner.modelEnd(),
                scanner.promptStart());
    }

    /**
     * The prompt's JSON as the picker hashes it: bytes as Latin-1 characters (hashing needs equality, not decoding),
     * the first {@link #PROMPT_PREFIX_BYTES} only.
     */
    CharSequence prompt(ByteString body) {
        int from = (int) Math.max(0, promptStart);
        return body.substring(from, Math.min(body.size(), from + PROMPT_PREFIX_BYTES))
                .toString(StandardCharsets.ISO_8859_1);
    }

    /** Estimated prompt tokens: the prompt's bytes over four. */
    long promptTokens(ByteString body) {
        return Math.max(0, body.size() - Math.max(0, promptStart)) / CHARS_PER_TOKEN;
    }

    /** {@code body} with the model value replaced by {@code model} (a JSON string), the rest shared, not copied. */
    ByteString withModel(ByteString body, String model) {
        byte[] quoted = ('"' + new String(JsonStringEncoder.getInstance()
                .quoteAsString(model)) + '"').getBytes(StandardCharsets.UTF_8);
        return body.substring(0, (int) modelStart).concat(ByteString.copyFrom(quoted))
                .concat(body.substring((int) modelEnd));
    }
}
