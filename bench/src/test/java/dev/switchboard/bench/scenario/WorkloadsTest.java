package dev.switchboard.bench.scenario;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.switchboard.core.model.ApproxTokenizer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WorkloadsTest {
    @Test
    void sharedPrefixRequestsOfAGroupShareTheSystemPrompt() {
        SharedPrefixSpec spec = new SharedPrefixSpec(3, 2, 50, 8, TokenRange.of(4));
        Workload w = spec.create(11, "base");
        Map<String, List<String>> questionsBySystem = new HashMap<>();
        for (int i = 0; i < 200; i++) {
            RequestSpec r = w.next();
            assertThat(r.model()).isEqualTo("base");
            assertThat(r.maxTokens()).isEqualTo(4);
            assertThat(ApproxTokenizer.count(r.messages().get(0).content())).isEqualTo(50);
            assertThat(ApproxTokenizer.count(r.messages().get(1).content())).isEqualTo(8);
            questionsBySystem.computeIfAbsent(r.messages().get(0).content(), k -> new ArrayList<>()).add(r.messages().get(1).content());
        }
        assertThat(questionsBySystem).hasSize(3);
        questionsBySystem.values().forEach(qs -> assertThat(qs.stream().distinct()).hasSize(2));
    }

    @Test
    void zipfPopularitySendsTheHottestGroupItsShareAndTheTailLittle() {
        SharedPrefixSpec spec = new SharedPrefixSpec(48, 2, 20, 4, TokenRange.of(1), 1.0);
        Workload w = spec.create(3, "m");
        Map<String, Integer> bySystem = new HashMap<>();
        int n = 20_000;
        for (int i = 0; i < n; i++) {
            bySystem.merge(w.next().messages().get(0).content(), 1, Integer::sum);
        }
        List<Integer> counts = bySystem.values().stream().sorted(java.util.Comparator.reverseOrder()).toList();
        double harmonic = 0;
        for (int k = 1; k <= 48; k++) {
            harmonic += 1.0 / k;
        }
        // s = 1 over 48 groups: the first takes 1/H(48) = 22.5%, the 48th 0.47%
        assertThat(counts.get(0) / (double) n).isCloseTo(1 / harmonic, within(0.015));
        assertThat(counts.getLast() / (double) n).isLessThan(0.012);
        assertThat(new SharedPrefixSpec(48, 2, 20, 4, TokenRange.of(1)).describe()).doesNotContain("Zipf");
        assertThatThrownBy(() -> new SharedPrefixSpec(4, 1, 1, 1, TokenRange.of(1), -1)).hasMessageContaining("--zipf");
    }

    @Test
    void sameSeedSameRequests() {
        SharedPrefixSpec spec = new SharedPrefixSpec(10, 5, 30, 5, new TokenRange(1, 9));
        Workload a = spec.create(5, "m");
        Workload b = spec.create(5, "m");
        Workload c = spec.create(6, "m");
        boolean differs = false;
        for (int i = 0; i < 20; i++) {
            RequestSpec ra = a.next();
            assertThat(b.next()).isEqualTo(ra);
            differs |= !c.next().equals(ra);
        }
        assertThat(differs).isTrue();
    }

    @Test
    void giePresetMatchesThePublishedNumbers() {
        SharedPrefixSpec p = SharedPrefixSpec.GIE_PREFIX;
        assertThat(p.groups()).isEqualTo(150);
        assertThat(p.promptsPerGroup()).isEqualTo(5);
        assertThat(p.systemTokens()).isEqualTo(6000);
        assertThat(p.questionTokens()).isEqualTo(1200);
        assertThat(p.outputTokens()).isEqualTo(TokenRange.of(1000));
    }

    @Test
    void randomLengthsStayInTheirRanges() {
        Workload w = new RandomSpec(new TokenRange(10, 20), new TokenRange(3, 5)).create(1, "m");
        for (int i = 0; i < 100; i++) {
            RequestSpec r = w.next();
            assertThat(ApproxTokenizer.count(r.promptText())).isBetween(10, 20);
            assertThat(r.maxTokens()).isBetween(3, 5);
        }
    }

    @Test
    void loraMixFollowsTheWeights() {
        LoraMixSpec spec = new LoraMixSpec(ModelWeight.parseMix("lora-a:60, lora-b:30,lora-c:10"), TokenRange.of(5), TokenRange.of(2));
        Workload w = spec.create(9, "base");
        Map<String, Integer> counts = new HashMap<>();
        for (int i = 0; i < 10_000; i++) {
            counts.merge(w.next().model(), 1, Integer::sum);
        }
        assertThat(counts.keySet()).containsExactlyInAnyOrder("lora-a", "lora-b", "lora-c");
        assertThat(counts.get("lora-a")).isBetween(5700, 6300);
        assertThat(counts.get("lora-b")).isBetween(2700, 3300);
        assertThat(counts.get("lora-c")).isBetween(800, 1200);
    }

    @Test
    void parsingErrorsSayWhatWasExpected() {
        assertThat(TokenRange.parse("100:1000")).isEqualTo(new TokenRange(100, 1000));
        assertThat(TokenRange.parse(" 7 ")).isEqualTo(TokenRange.of(7));
        assertThatThrownBy(() -> TokenRange.parse("a:b")).hasMessageContaining("100:1000");
        assertThatThrownBy(() -> TokenRange.parse("9:3")).hasMessageContaining("min <= max");
        assertThatThrownBy(() -> ModelWeight.parseMix("a:x")).hasMessageContaining("name:weight");
        assertThatThrownBy(() -> ModelWeight.parseMix("a:0")).hasMessageContaining("positive");
        assertThat(ModelWeight.parseMix("solo")).containsExactly(new ModelWeight("solo", 1));
        assertThatThrownBy(() -> new SharedPrefixSpec(0, 1, 1, 1, TokenRange.of(1))).hasMessageContaining("--groups");
        assertThatThrownBy(() -> LoadStage.open(0)).hasMessageContaining("--rate");
        assertThatThrownBy(() -> LoadStage.closed(0)).hasMessageContaining("--concurrency");
    }

    @Test
    void stageLabels() {
        assertThat(LoadStage.open(4).label()).isEqualTo("rate 4/s");
        assertThat(LoadStage.open(2.5).label()).isEqualTo("rate 2.50/s");
        assertThat(LoadStage.closed(16).label()).isEqualTo("concurrency 16");
    }
}
