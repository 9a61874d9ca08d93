package dev.switchboard.bench.scenario;

/**
 * Made-up prompt text of an exact length in tokens, repeatable from a seed.
 */
public final class PromptText {
    /*
     * Problem: a workload asks for prompts of N tokens; the target's tokenizer is unknown, but the simulator's
     * ApproxTokenizer (and, roughly, any BPE) counts " abcd" (a space and 1..4 lowercase letters) as one token.
     * Approach: N such words, lengths and letters drawn from a SplitMix64 stream seeded by the caller, so equal
     * seeds give equal text (shared prefixes) and different seeds give text that shares no prefix.
     * Cost: about 3.5 characters per token, one StringBuilder per call.
     */

    private PromptText() {}

    /** {@code tokens} words, each a space and 1..4 lowercase letters. */
    public static String words(long seed, int tokens) {
        StringBuilder sb = new StringBuilder(tokens * 4);
        long state = seed;
        for (int i = 0; i < tokens; i++) {
            state += 0x9E3779B97F4A7C15L;
            long r = mix(state);
            int letters = 1 + (int) (r & 3);
            sb.append(' ');
            for (int j = 0; j < letters; j++) {
                sb.append((char) ('a' + Math.floorMod(r >>> (8 + 6 * j), 26)));
            }
        }
        return sb.toString();
    }

    /** A seed for item {@code index} of stream {@code stream} derived from {@code seed}: unrelated across inputs. */
    public static long seed(long seed, long stream, long index) {
        return mix(mix(seed ^ mix(stream + 0x632BE59BD9B4E019L)) + index);
    }

    /** SplitMix64's finalizer. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
