package dev.switchboard.sim.server;

import java.nio.charset.StandardCharsets;

/**
 * The text of generated tokens: words of at most four letters, each one token under
 * {@link dev.switchboard.core.model.ApproxTokenizer}, picked by a hash of (seed, index) so a request's output is
 * repeatable and its length in tokens is exactly what was generated.
 */
final class TokenText {
    private static final String[] WORDS = {
        "the", "sim", "gpu", "kv", "of", "a", "to", "and", "in", "is", "that", "it", "for", "on", "with", "as",
        "this", "by", "we", "can", "fast", "load", "pool", "next", "word", "each", "step", "run", "batch", "cache",
        "hit", "miss", "time", "tok", "lora", "base", "node", "path", "data", "flow", "rate", "peak", "low", "high",
        "warm", "cold", "plan", "pick", "best", "good", "more", "less", "all", "some", "one", "two", "new", "old",
        "yes", "no", "ok", "end", "go", "so",
    };

    /** Each word as a JSON string literal, with and without its leading space: token chunks copy these bytes. */
    private static final byte[][] QUOTED_FIRST = new byte[WORDS.length][];
    private static final byte[][] QUOTED_NEXT = new byte[WORDS.length][];
    /** Each word with its leading space: a token's text costs no allocation. */
    private static final String[] SPACED = new String[WORDS.length];

    static {
        for (int i = 0; i < WORDS.length; i++) {
            QUOTED_FIRST[i] = ("\"" + WORDS[i] + "\"").getBytes(StandardCharsets.US_ASCII);
            QUOTED_NEXT[i] = ("\" " + WORDS[i] + "\"").getBytes(StandardCharsets.US_ASCII);
            SPACED[i] = " " + WORDS[i];
        }
    }

    private TokenText() {}

    /** The text of token {@code index}: a word with a leading space, except the very first. */
    static String of(long seed, int index) {
        int w = word(seed, index);
        return index == 0 ? WORDS[w] : SPACED[w];
    }

    /** {@link #of} as a quoted JSON string, UTF-8; shared, do not modify. */
    static byte[] quoted(long seed, int index) {
        int w = word(seed, index);
        return index == 0 ? QUOTED_FIRST[w] : QUOTED_NEXT[w];
    }

    private static int word(long seed, int index) {
        long h = (seed + index) * 0x9E3779B97F4A7C15L;
        h ^= h >>> 31;
        return (int) Math.floorMod(h, (long) WORDS.length);
    }
}
