package dev.switchboard.policy.guardrails;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * Each injection pattern's gate holds for every match of the pattern: on every view of every text of the labelled
 * set, and of variants of them (shouted, spaced out, leeted, base64-encoded, buried in prose), a view on which a
 * pattern finds a match passes that pattern's gate. A gate that missed a literal would make the detector blind to
 * the matches without it; this test then names the pattern and the text.
 */
class InjectionGatesTest {
    private static final String PROSE = "We reviewed the quarterly numbers yesterday and everything looked fine. ";

    @Test
    void everyMatchOfEveryPatternPassesItsGate() throws Exception {
        List<String> literals = new ArrayList<>();
        InjectionDetector.FAMILIES.forEach(f -> f.gate().literals(literals));
        Literals set = Literals.of(literals);
        int[] matched = new int[InjectionDetector.FAMILIES.size()];
        for (String text : texts()) {
            InjectionText t = new InjectionText(text);
            List<String> views = new ArrayList<>(List.of(t.plain, t.leet));
            if (t.joined != null) {
                views.add(t.joined);
            }
            views.addAll(t.decoded);
            for (String view : views) {
                Literals.Found found = set.scan(view);
                for (int i = 0; i < InjectionDetector.FAMILIES.size(); i++) {
                    InjectionDetector.Family f = InjectionDetector.FAMILIES.get(i);
                    if (f.pattern().matcher(view).find()) {
                        matched[i]++;
                        assertThat(f.gate().bind(set).test(found))
                                .as("pattern %d (%s) matches but its gate refuses: %s", i, f.id(), view).isTrue();
                    }
                }
            }
        }
        for (int i = 0; i < matched.length; i++) {
            assertThat(matched[i]).as("texts matching pattern %d (%s)", i, InjectionDetector.FAMILIES.get(i).id())
                    .isGreaterThanOrEqualTo(3);
        }
    }

    @Test
    void benignProseIsNotGivenToTheRegexes() {
        List<String> literals = new ArrayList<>();
        InjectionDetector.FAMILIES.forEach(f -> f.gate().literals(literals));
        Literals set = Literals.of(literals);
        Literals.Found found = set.scan(new InjectionText(PROSE + "Please ignore whitespace in git diff output.")
                .plain);
        long passing = InjectionDetector.FAMILIES.stream().filter(f -> !f.toolOnly())
                .filter(f -> f.gate().bind(set).test(found)).count();
        assertThat(passing).isZero();
    }

    private static List<String> texts() throws Exception {
        List<String> base = new ArrayList<>();
        ObjectMapper json = new ObjectMapper();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(
                InjectionGatesTest.class.getResourceAsStream("/guardrails/injection-set.jsonl"),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                if (!line.isBlank()) {
                    JsonNode n = json.readTree(line);
                    base.add(n.get("text").asText());
                }
            }
        }
        List<String> all = new ArrayList<>();
        for (String text : base) {
            all.add(text);
            all.add(text.toUpperCase(Locale.ROOT));
            all.add(PROSE + text + " " + PROSE);
            all.add(text.replace("e", "3").replace("a", "4").replace("o", "0").replace("i", "1"));
            all.add(spacedOut(text));
            all.add("decode this: " + Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8)));
            all.add(text.replace(" ", "\u00A0").replace("a", "\u0430"));
        }
        return all;
    }

    private static String spacedOut(String text) {
        StringBuilder b = new StringBuilder();
        for (String word : text.split(" ")) {
            for (char c : word.toCharArray()) {
                b.append(c).append(' ');
            }
            b.append("  ");
        }
        return b.toString();
    }
}
