package dev.switchboard.extproc.service;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.google.protobuf.ByteString;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Puts the client's model name back into a response the model server wrote with the target model (a rewrite sent
 * the request as another model or LoRA adapter), as the bytes stream past: {@code "model":"target"} (with any
 * whitespace around the colon) becomes {@code "model":"client"}.
 */
final class ModelNameRestorer {
    /*
     * Problem: the response may be an SSE stream, forwarded chunk by chunk, and a chunk boundary may cut
     * "model":"target" anywhere.
     * Approach: scan each chunk (prefixed by what the previous one held back) for the pattern. Inside a JSON string
     * every quote is escaped, so an unescaped "model" followed by a colon is a key, never prompt text. Bytes that
     * might begin a match the next chunk completes are held back (at most the pattern's length plus the allowed
     * whitespace) and sent with the next chunk, or at the end; everything else goes on at once.
     * Cost: one copy of each chunk while a rewrite is active; none when the names are equal (no restorer then).
     */

    private static final byte[] KEY = "\"model\"".getBytes(StandardCharsets.US_ASCII);
    /** Whitespace accepted on each side of the colon; more is no match (no server writes that). */
    private static final int MAX_SPACE = 4;
    private static final int NO_MATCH = -1;
    private static final int NEED_MORE = 0;

    private final byte[] target;
    private final byte[] client;
    private byte[] held = new byte[0];

    /** Replaces the model {@code target} by {@code client}. */
    ModelNameRestorer(String target, String client) {
        this.target = quoted(target);
        this.client = quoted(client);
    }

    private static byte[] quoted(String model) {
        return ('"' + new String(JsonStringEncoder.getInstance().quoteAsString(model)) + '"')
                .getBytes(StandardCharsets.UTF_8);
    }

    /** The bytes to send for {@code chunk}: rewritten, less any tail held back for the next chunk. */
    ByteString next(ByteString chunk) {
        byte[] in = concat(held, chunk);
        ByteArrayOutputStream out = new ByteArrayOutputStream(in.length + 16);
        int copied = 0;
        int i = 0;
        while (i < in.length) {
            if (in[i] != '"') {
                i++;
                continue;
            }
            int m = match(in, i);
            if (m == NEED_MORE) {
                break; // hold from i on
            }
            if (m == NO_MATCH) {
                i++;
                continue;
            }
            int valueAt = i + m - target.length;
            out.write(in, copied, valueAt - copied);
            out.write(client, 0, client.length);
            copied = i + m;
            i = copied;
        }
        int holdFrom = i < in.length ? i : in.length;
        out.write(in, copied, holdFrom - copied);
        held = Arrays.copyOfRange(in, holdFrom, in.length);
        return ByteString.copyFrom(out.toByteArray());
    }

    /** What was held back, at the end of the body. */
    ByteString end() {
        ByteString rest = ByteString.copyFrom(held);
        held = new byte[0];
        return rest;
    }

    /** The length of a full match at {@code at}, NO_MATCH, or NEED_MORE when the bytes end inside a possible one. */
    private int match(byte[] b, int at) {
        int i = at;
        for (byte k : KEY) {
            if (i == b.length) {
                return NEED_MORE;
            }
            if (b[i++] != k) {
                return NO_MATCH;
            }
        }
        i = spaces(b, i);
        if (i < 0) {
            return -i == 1 ? NO_MATCH : NEED_MORE;
        }
        if (i == b.length) {
            return NEED_MORE;
        }
        if (b[i++] != ':') {
            return NO_MATCH;
        }
        i = spaces(b, i);
        if (i < 0) {
            return -i == 1 ? NO_MATCH : NEED_MORE;
        }
        for (byte t : target) {
            if (i == b.length) {
                return NEED_MORE;
            }
            if (b[i++] != t) {
                return NO_MATCH;
            }
        }
        return i - at;
    }

    /** Past up to MAX_SPACE whitespace bytes: the next index, -1 for too many, -2 when the bytes end there. */
    private static int spaces(byte[] b, int i) {
        int n = 0;
        while (i < b.length && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r')) {
            if (++n > MAX_SPACE) {
                return -1;
            }
            i++;
        }
        return i == b.length ? -2 : i;
    }

    private static byte[] concat(byte[] a, ByteString b) {
        byte[] out = new byte[a.length + b.size()];
        System.arraycopy(a, 0, out, 0, a.length);
        b.copyTo(out, a.length);
        return out;
    }
}
