package dev.switchboard.policy.guardrails;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * Cheap necessary conditions for the built-in PII patterns, each a single pass over the text: a text they refuse
 * has no match, so the pattern's regex does not run on it. {@code PiiKindTest} runs each rule with and without its
 * prefilter over the same texts.
 */
final class Prefilters {
    private Prefilters() {}

    /** Contains {@code c}. */
    static Predicate<CharSequence> contains(char c) {
        return text -> {
            for (int i = 0, n = text.length(); i < n; i++) {
                if (text.charAt(i) == c) {
                    return true;
                }
            }
            return false;
        };
    }

    /**
     * Has at least {@code minDigits} ASCII digits in a chain where each two consecutive digits are at most
     * {@code maxGap} characters apart, all of them from {@code gapChars}: how a phone or card number is written.
     */
    static Predicate<CharSequence> digitChain(int minDigits, int maxGap, String gapChars) {
        return text -> {
            int digits = 0;
            int gap = 0;
            for (int i = 0, n = text.length(); i < n; i++) {
                char c = text.charAt(i);
                if (c >= '0' && c <= '9') {
                    digits = gap <= maxGap ? digits + 1 : 1;
                    gap = 0;
                    if (digits >= minDigits) {
                        return true;
                    }
                } else if (digits > 0 && gapChars.indexOf(c) >= 0) {
                    gap++;
                } else {
                    digits = 0;
                    gap = 0;
                }
            }
            return false;
        };
    }

    /** Two ASCII capitals then two digits: how an IBAN starts. */
    static boolean ibanStart(CharSequence text) {
        for (int i = 0, n = text.length() - 3; i < n; i++) {
            if (upper(text.charAt(i)) && upper(text.charAt(i + 1)) && digit(text.charAt(i + 2))
                    && digit(text.charAt(i + 3))) {
                return true;
            }
        }
        return false;
    }

    /** Passes {@code gate} (its literals compared as {@link Literals} does). */
    static Predicate<CharSequence> gate(Gate gate) {
        if (gate == Gate.ALWAYS) {
            return text -> true;
        }
        List<String> literals = new ArrayList<>();
        gate.literals(literals);
        Literals set = Literals.of(literals);
        Gate.Bound bound = gate.bind(set);
        return text -> bound.test(set.scan(text));
    }

    private static boolean upper(char c) {
        return c >= 'A' && c <= 'Z';
    }

    private static boolean digit(char c) {
        return c >= '0' && c <= '9';
    }
}
