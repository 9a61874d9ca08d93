package dev.switchboard.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ModelRewritesTest {
    static ModelRewrites.Rule rule(List<String> models, String origin, Object... targetsAndWeights) {
        List<ModelRewrites.Target> targets = new java.util.ArrayList<>();
        for (int i = 0; i < targetsAndWeights.length; i += 2) {
            targets.add(new ModelRewrites.Target((String) targetsAndWeights[i], (Integer) targetsAndWeights[i + 1]));
        }
        return new ModelRewrites.Rule(models, targets, origin);
    }

    @Test
    void anExactMatchBeatsAnEarlierGenericRuleAndTheFirstOfEachKindWins() {
        ModelRewrites r = new ModelRewrites(List.of(
                rule(List.of(), "generic-1", "base", 1),
                rule(List.of("a", "b"), "exact-1", "a-v1", 1),
                rule(List.of("a"), "exact-2", "a-v2", 1),
                rule(List.of(), "generic-2", "other", 1)));
        assertThat(r.ruleFor("a").origin()).isEqualTo("exact-1");
        assertThat(r.ruleFor("b").origin()).isEqualTo("exact-1");
        assertThat(r.ruleFor("zzz").origin()).as("no exact rule: the first generic one").isEqualTo("generic-1");
        assertThat(ModelRewrites.NONE.choose("a", new SplittableRandom(1))).isNull();
        assertThat(new ModelRewrites(List.of(rule(List.of("a"), "x", "a2", 1))).choose("b", new SplittableRandom(1)))
                .as("no generic rule: other models are left alone").isNull();
    }

    @Test
    void targetsAreChosenByWeight() {
        ModelRewrites r = new ModelRewrites(List.of(rule(List.of("food-review"), "x", "v1", 90, "v2", 10)));
        Map<String, Integer> counts = count(r, "food-review", 100_000);
        assertThat(counts.get("v1") / 100_000.0).isBetween(0.89, 0.91);
        assertThat(counts.get("v2") / 100_000.0).isBetween(0.09, 0.11);
    }

    @Test
    void allZeroWeightsAreUniformAndAZeroWeightBesideOthersIsNeverChosen() {
        Map<String, Integer> uniform = count(new ModelRewrites(List.of(rule(List.of(), "x", "a", 0, "b", 0, "c", 0))),
                "m", 30_000);
        assertThat(uniform).containsOnlyKeys("a", "b", "c");
        uniform.values().forEach(n -> assertThat(n / 30_000.0).isBetween(0.31, 0.36));

        Map<String, Integer> skewed = count(new ModelRewrites(List.of(rule(List.of(), "x", "a", 0, "b", 5))), "m", 1000);
        assertThat(skewed).containsOnlyKeys("b");
    }

    static Map<String, Integer> count(ModelRewrites r, String model, int n) {
        SplittableRandom random = new SplittableRandom(42);
        Map<String, Integer> counts = new HashMap<>();
        for (int i = 0; i < n; i++) {
            counts.merge(r.choose(model, random), 1, Integer::sum);
        }
        return counts;
    }
}
