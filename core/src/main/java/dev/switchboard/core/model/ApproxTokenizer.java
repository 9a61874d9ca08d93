package dev.switchboard.core.model;

/**
 * A deterministic stand-in for a BPE tokenizer, used where Switchboard needs token counts or token identities
 * without a model's vocabulary: the simulator's prompt accounting and prefix cache, the load generator's prompt
 * sizes, and token estimates for limits.
 */
public final class ApproxTokenizer {
    /*
     * Problem: the simulator must count and hash prompt tokens the way an engine would, repeatably, with no
     * vocabulary file; the load generator must build prompts of an exact token length.
     *
     * Approach: split text into pieces the way GPT-style BPEs do on English, then cap piece length:
     *  - a word piece is an optional single leading space plus 1..MAX_WORD_CHARS letters or digits
     *    (a longer word continues as further pieces without the space);
     *  - every other character (punctuation, newline, a second space, any non-ASCII char) is one token.
     * English prose averages about 4.2 characters a token this way, close to cl100k's ~4. A token's id is a
     * 64-bit hash of its characters, so equal text gives equal ids and prefix hashing works on ids.
     *
     * Cost: one pass, no allocation for counting; ids go into a caller-sized long[].
     */

    /** Longest run of letters/digits in one token; about what cl100k merges for common English. */
    static final int MAX_WORD_CHARS = 5;

    private ApproxTokenizer() {}

    /** Number of tokens in {@code text}. */
    public static int count(CharSequence text) {
        int n = 0;
        for (int i = 0, len = text.length(); i < len; i = pieceEnd(text, i)) {
            n++;
        }
        return n;
    }

    /** Token ids of {@code text}, in order. */
    public static long[] ids(CharSequence text) {
        long[] ids = new long[count(text)];
        int k = 0;
        for (int i = 0, len = text.length(); i < len; ) {
            int end = pieceEnd(text, i);
            ids[k++] = hash(text, i, end);
            i = end;
        }
        return ids;
    }

    /** Index just past the token that starts at {@code start}. */
    static int pieceEnd(CharSequence text, int start) {
        int len = text.length();
        int i = start;
        if (text.charAt(i) == ' ' && i + 1 < len && isWordChar(text.charAt(i + 1))) {
            i++;
        } else if (!isWordChar(text.charAt(i))) {
            return i + 1;
        }
        int limit = Math.min(len, i + MAX_WORD_CHARS);
        while (i < limit && isWordChar(text.charAt(i))) {
            i++;
        }
        return i;
    }

    private static boolean isWordChar(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    }

    /** FNV-1a over the chars, then a 64-bit finalizer so that short pieces spread over all bits. */
    private static long hash(CharSequence text, int from, int to) {
        long h = 0xcbf29ce484222325L;
        for (int i = from; i < to; i++) {
            h ^= text.charAt(i);
            h *= 0x100000001b3L;
        }
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        return h;
    }
}
