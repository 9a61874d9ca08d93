package dev.switchboard.policy.guardrails;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Precision and recall of the built-in injection rules on the shipped labelled set, at the default threshold.
 * The rules were tuned on the dev half only; the figures to quote are the test half's. Misses are printed for the
 * dev half only, so that reading this test's output cannot tune the rules on the test half.
 *
 * <p>{@code mvn -B -o -pl policy -am verify -Dtest=InjectionSetEvaluationTest -Dsurefire.failIfNoSpecifiedTests=false}
 */
class InjectionSetEvaluationTest {
    record Example(String text, boolean injection, String category, PromptText.Role role, String split) {}

    record Figures(int tp, int fp, int tn, int fn) {
        double precision() {
            return tp + fp == 0 ? 1 : (double) tp / (tp + fp);
        }

        double recall() {
            return tp + fn == 0 ? 1 : (double) tp / (tp + fn);
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "precision %.3f, recall %.3f (tp %d, fp %d, tn %d, fn %d; n %d)",
                    precision(), recall(), tp, fp, tn, fn, tp + fp + tn + fn);
        }
    }

    private final InjectionGuardrail guardrail = new InjectionGuardrail("injection",
            InjectionGuardrail.DEFAULT_THRESHOLD, Action.BLOCK, Set.of(PromptText.Role.USER, PromptText.Role.TOOL));

    @Test
    void precisionAndRecallAtTheDefaultThreshold() throws Exception {
        List<Example> all = load();
        assertThat(all).hasSizeGreaterThanOrEqualTo(300);
        long riskyBenign = all.stream().filter(e -> !e.injection && !e.category.equals("benign-plain")).count();
        assertThat((double) riskyBenign / all.size()).isGreaterThanOrEqualTo(0.40);

        Figures dev = evaluate(all, "dev", true);
        Figures test = evaluate(all, "test", false);
        System.out.println("injection-set dev  (tuned on): " + dev);
        System.out.println("injection-set test (held out): " + test);
        // floors below the measured figures, so a change to the rules that loses much of either fails here
        assertThat(test.precision()).isGreaterThanOrEqualTo(0.85);
        assertThat(test.recall()).isGreaterThanOrEqualTo(0.80);
    }

    private Figures evaluate(List<Example> all, String split, boolean printMisses) {
        int tp = 0, fp = 0, tn = 0, fn = 0;
        for (Example e : all) {
            if (!e.split.equals(split)) {
                continue;
            }
            double score = guardrail.score(e.text, e.role);
            boolean flagged = score >= InjectionGuardrail.DEFAULT_THRESHOLD;
            if (flagged && e.injection) {
                tp++;
            } else if (flagged) {
                fp++;
            } else if (e.injection) {
                fn++;
            } else {
                tn++;
            }
            if (printMisses && flagged != e.injection) {
                System.out.printf(Locale.ROOT, "dev miss %s %.2f [%s] %s%n", flagged ? "FP" : "FN", score, e.category,
                        e.text.replace("\n", "\\n"));
            }
        }
        return new Figures(tp, fp, tn, fn);
    }

    private static List<Example> load() throws Exception {
        ObjectMapper json = new ObjectMapper();
        List<Example> out = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(
                InjectionSetEvaluationTest.class.getResourceAsStream("/guardrails/injection-set.jsonl"),
                StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                if (line.isBlank()) {
                    continue;
                }
                JsonNode n = json.readTree(line);
                out.add(new Example(n.get("text").asText(), n.get("label").asText().equals("injection"),
                        n.get("category").asText(), PromptText.Role.valueOf(n.get("role").asText().toUpperCase(Locale.ROOT)),
                        n.get("split").asText()));
            }
        }
        return out;
    }
}
