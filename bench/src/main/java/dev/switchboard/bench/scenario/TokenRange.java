package dev.switchboard.bench.scenario;

import java.util.SplittableRandom;

/**
 * A length in tokens drawn uniformly from {@code [min, max]} (both included); {@code min == max} is a fixed length.
 */
public record TokenRange(int min, int max) {

    public TokenRange {
        if (min < 1 || max < min) {
            throw new IllegalArgumentException("a token range needs 1 <= min <= max, got " + min + ":" + max);
        }
    }

    public static TokenRange of(int tokens) {
        return new TokenRange(tokens, tokens);
    }

    /** Parses {@code 500} or {@code 100:1000}. */
    public static TokenRange parse(String text) {
        String s = text.strip();
        int colon = s.indexOf(':');
        try {
            if (colon < 0) {
                return of(Integer.parseInt(s));
            }
            return new TokenRange(Integer.parseInt(s.substring(0, colon).strip()), Integer.parseInt(s.substring(colon + 1).strip()));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("expected a token count like 500 or a range like 100:1000, got '" + text + "'");
        }
    }

    public int draw(SplittableRandom random) {
        return min == max ? min : random.nextInt(min, max + 1);
    }

    @Override
    public String toString() {
        return min == max ? Integer.toString(min) : min + ":" + max;
    }
}
