package dev.switchboard.policy.guardrails;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.re2j.Pattern;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RequiredLiteralsTest {
    @ParameterizedTest
    @CsvSource(delimiter = ';', value = {
        "(?i)project\\s+bluebird; Lit[literal=bluebird]",
        "(?i)\\bproject\\s+bluebird\\b; Lit[literal=bluebird]",
        "colou?r scheme; Lit[literal=r scheme]",
        "ab+cdef; Lit[literal=cdef]",
        "x{0,2}yzw; Lit[literal=yzw]",
        "acme-[0-9]{4}; Lit[literal=acme-]",
        "foo|barbaz; Any[gates=[Lit[literal=foo], Lit[literal=barbaz]]]",
        "internal\\.corp\\.example; Lit[literal=internal.corp.example]",
        "(?:alpha|beta)-release; Lit[literal=-release]",
        "\\d{3}-\\d{2}-\\d{4}; All[gates=[]]",
        "\\Qa.b.c\\E; All[gates=[]]",
        "foo|b; All[gates=[]]",
        "ab; All[gates=[]]",
        "[[:alpha:]]+secret[]]x; Lit[literal=secret]",
        "a{2}bcd; Lit[literal=bcd]",
        "token{,3}; Lit[literal=token{,3}]",
        "café au lait; Lit[literal= au lait]",
    })
    void theLongestCertainLiteralOfEachBranch(String regex, String gate) {
        Pattern.compile(regex); // every case is a valid pattern
        assertThat(RequiredLiterals.of(regex).toString()).isEqualTo(gate);
    }

    /** Generated texts from each pattern's own words and characters: whenever the pattern matches, the gate passes. */
    @Test
    void noTextThatMatchesFailsTheGate() {
        List<String> patterns = List.of("(?i)project\\s+bluebird", "colou?r scheme", "ab+cdef", "x{0,2}yzw",
                "acme-[0-9]{4}", "foo|barbaz", "(?:alpha|beta)-release", "a{2}bcd", "(?i)kiss", "ab*c+dd",
                "(?s)start.{0,3}end", "(?i:Mixed)CASE", "^head|tail$", "[abc]{2}abc[abc]");
        Random random = new Random(42);
        for (String regex : patterns) {
            Pattern pattern = Pattern.compile(regex);
            Gate gate = RequiredLiterals.of(regex);
            List<String> literals = new ArrayList<>();
            gate.literals(literals);
            Literals set = Literals.of(literals.isEmpty() ? List.of("-") : literals);
            Gate.Bound bound = gate.bind(set);
            List<String> pieces = piecesOf(regex);
            int matches = 0;
            for (int n = 0; n < 40_000; n++) {
                String text = randomText(random, pieces, 1 + random.nextInt(6));
                if (pattern.matcher(text).find()) {
                    matches++;
                    assertThat(bound.test(set.scan(text))).as("%s matches '%s'", regex, text).isTrue();
                }
            }
            assertThat(matches).as("texts matching " + regex).isGreaterThanOrEqualTo(10);
        }
    }

    /** The pattern's words and each of their characters, in both cases, and some others. */
    private static List<String> piecesOf(String regex) {
        List<String> out = new ArrayList<>(List.of(" ", "  ", "-", "x", "\u212A", "\u017F"));
        for (String run : regex.split("[\\\\()\\[\\]{}?*+|^$.]+")) {
            out.add(run);
        }
        for (String word : regex.split("[^A-Za-z0-9]+")) {
            if (word.isEmpty()) {
                continue;
            }
            out.add(word);
            out.add(word.toUpperCase(java.util.Locale.ROOT));
            for (char c : word.toCharArray()) {
                out.add(String.valueOf(c));
            }
        }
        return out;
    }

    private static String randomText(Random random, List<String> pieces, int count) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < count; i++) {
            b.append(pieces.get(random.nextInt(pieces.size())));
        }
        return b.toString();
    }
}
