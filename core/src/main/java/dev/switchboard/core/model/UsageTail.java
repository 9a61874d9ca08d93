package dev.switchboard.core.model;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Finds the token usage an OpenAI-shaped response reports, by keeping only the last bytes of the body.
 */
public final class UsageTail {
    /*
     * Problem: token metrics and limits need the response's usage (prompt and completion tokens) without buffering
     * or parsing the whole response, which may be a long SSE stream.
     * Approach: OpenAI-compatible servers put "usage" last: at the end of a JSON body, and in the final data event
     * of a stream (with stream_options.include_usage). So only a small ring of the body's last bytes is kept as
     * chunks pass; at the end, the last "usage" key in it is parsed. A usage object that does not fit in the tail,
     * or a stream without a usage event, gives "unknown" rather than a guess.
     * Cost: one copy of at most TAIL_BYTES per chunk; one small parse per response.
     */

    /**
     * Bytes kept at most: a usage object with all of OpenAI's details is ~350 bytes, a final SSE chunk with it
     * ~500. Every stream in flight holds this much, so it is no bigger than that with room to spare.
     */
    static final int TAIL_BYTES = 1024;
    private static final JsonFactory JSON = new JsonFactory();
    private static final byte[] KEY = "\"usage\"".getBytes(StandardCharsets.US_ASCII);

    private final byte[] ring;
    private long total;

    /** A tail for a body of {@code length} bytes, or of unknown length (-1): no bigger than the body. */
    public UsageTail(long length) {
        this.ring = new byte[length >= 0 && length < TAIL_BYTES ? (int) length : TAIL_BYTES];
    }

    public UsageTail() {
        this(-1);
    }

    /** Reads {@code chunk}'s remaining bytes (position unchanged). */
    public void add(ByteBuffer chunk) {
        int size = ring.length;
        if (size == 0) {
            return;
        }
        int pos = chunk.position(); // absolute reads: no view object per chunk, the position unchanged
        int n = chunk.remaining();
        if (n > size) {
            pos += n - size;
            n = size;
        }
        while (n > 0) {
            int at = (int) (total % size);
            int len = Math.min(n, size - at);
            chunk.get(pos, ring, at, len);
            pos += len;
            n -= len;
            total += len;
        }
    }

    /** The usage found, or null. */
    public Usage usage() {
        byte[] tail = tail();
        int key = lastIndexOf(tail, KEY);
        if (key < 0) {
            return null;
        }
        int brace = key + KEY.length;
        while (brace < tail.length && tail[brace] != '{') {
            brace++; // past the colon and any spaces
        }
        try {
            return parse(tail, brace);
        } catch (IOException e) {
            return null; // cut off or malformed: unknown
        }
    }

    private static Usage parse(byte[] tail, int from) throws IOException {
        if (from >= tail.length) {
            return null;
        }
        try (JsonParser p = JSON.createParser(tail, from, tail.length - from)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            long prompt = -1;
            long completion = -1;
            long cached = -1;
            for (JsonToken t; (t = p.nextToken()) == JsonToken.FIELD_NAME; ) {
                String name = p.currentName();
                t = p.nextToken();
                switch (name) {
                    case "prompt_tokens", "input_tokens" -> prompt = t.isNumeric() ? p.getLongValue() : -1;
                    case "completion_tokens", "output_tokens" -> completion = t.isNumeric() ? p.getLongValue() : -1;
                    case "prompt_tokens_details" -> cached = cached(p, t);
                    default -> p.skipChildren();
                }
            }
            return prompt < 0 && completion < 0 ? null : new Usage(prompt, completion, cached);
        }
    }

    private static long cached(JsonParser p, JsonToken t) throws IOException {
        if (t != JsonToken.START_OBJECT) {
            p.skipChildren();
            return -1;
        }
        long cached = -1;
        for (JsonToken x; (x = p.nextToken()) == JsonToken.FIELD_NAME; ) {
            String name = p.currentName();
            x = p.nextToken();
            if (name.equals("cached_tokens") && x.isNumeric()) {
                cached = p.getLongValue();
            } else {
                p.skipChildren();
            }
        }
        return cached;
    }

    /** The bytes kept, oldest first: the ring itself when it has not wrapped (the usual non-streamed body). */
    private byte[] tail() {
        int size = ring.length;
        if (total == size && size > 0) {
            return ring;
        }
        int len = (int) Math.min(total, size);
        byte[] out = new byte[len];
        int start = len == 0 ? 0 : (int) ((total - len) % size);
        int first = Math.min(len, size - start);
        System.arraycopy(ring, start, out, 0, first);
        System.arraycopy(ring, 0, out, first, len - first);
        return out;
    }

    private static int lastIndexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = hay.length - needle.length; i >= 0; i--) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /**
     * Token usage of one response; -1 where unknown.
     *
     * @param promptTokens     input tokens
     * @param completionTokens output tokens
     * @param cachedTokens     input tokens served from the prefix cache
     */
    public record Usage(long promptTokens, long completionTokens, long cachedTokens) {}
}
