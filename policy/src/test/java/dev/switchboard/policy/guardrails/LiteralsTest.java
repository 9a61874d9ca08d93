package dev.switchboard.policy.guardrails;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LiteralsTest {
    @Test
    void findsEveryLiteralThatOccursAndNoOther() {
        Random random = new Random(7);
        String alphabet = "abcAB ._-|<>é";
        for (int round = 0; round < 300; round++) {
            List<String> literals = new ArrayList<>();
            for (int n = 1 + random.nextInt(12); n > 0; n--) {
                literals.add(randomText(random, alphabet, 1 + random.nextInt(5)));
            }
            Literals set = Literals.of(literals);
            for (int t = 0; t < 50; t++) {
                String text = randomText(random, alphabet, random.nextInt(60));
                Literals.Found found = set.scan(text);
                for (String l : literals) {
                    // the reference: ASCII letters folded (é is not ASCII, so it only matches itself)
                    boolean expected = foldAscii(text).contains(foldAscii(l));
                    assertThat(found.has(set.id(l))).as("'%s' in '%s'", l, text).isEqualTo(expected);
                }
            }
        }
    }

    @Test
    void overlappingAndNestedLiteralsAreAllFound() {
        Literals set = Literals.of(List.of("he", "she", "his", "hers", "shell"));
        Literals.Found found = set.scan("USHERS");
        assertThat(found.has(set.id("she"))).isTrue();
        assertThat(found.has(set.id("he"))).isTrue();
        assertThat(found.has(set.id("hers"))).isTrue();
        assertThat(found.has(set.id("his"))).isFalse();
        assertThat(found.has(set.id("shell"))).isFalse();
    }

    @Test
    void theKelvinSignAndLongSAreTheLettersRe2TakesThemFor() {
        Literals set = Literals.of(List.of("key", "secret"));
        Literals.Found found = set.scan("api_\u212Aey and \u017Fecret");
        assertThat(found.has(set.id("key"))).isTrue();
        assertThat(found.has(set.id("secret"))).isTrue();
        assertThat(com.google.re2j.Pattern.compile("(?i)key").matcher("\u212Aey").find()).isTrue();
    }

    @Test
    void gatesCombineLiterals() {
        Gate gate = Gate.any(Gate.all(Gate.lit("ignore"), Gate.any("previous", "prior")), Gate.lit("jailbreak"));
        List<String> literals = new ArrayList<>();
        gate.literals(literals);
        Literals set = Literals.of(literals);
        Gate.Bound bound = gate.bind(set);
        assertThat(bound.test(set.scan("Ignore the PRIOR rules"))).isTrue();
        assertThat(bound.test(set.scan("ignore whitespace"))).isFalse();
        assertThat(bound.test(set.scan("a jailbreak"))).isTrue();
    }

    private static String randomText(Random random, String alphabet, int length) {
        StringBuilder b = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            b.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return b.toString();
    }

    private static String foldAscii(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            b.append(c >= 'A' && c <= 'Z' ? Character.toLowerCase(c) : c);
        }
        return b.toString();
    }
}
