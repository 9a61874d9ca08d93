package dev.switchboard.picker.plugins.picker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.picker.datalayer.EngineType;
import dev.switchboard.picker.pool.Endpoint;
import dev.switchboard.picker.scheduling.EndpointState;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class PickersTest {
    static final List<EndpointState> FOUR = IntStream.range(0, 4)
            .mapToObj(i -> new EndpointState(new Endpoint("10.0.0." + i, 8000, Map.of(), EngineType.VLLM), null, false, 0, 0))
            .toList();

    static Map<Integer, Integer> firstPicks(dev.switchboard.picker.scheduling.Picker p, double[] totals, int runs) {
        SplittableRandom random = new SplittableRandom(11);
        Map<Integer, Integer> counts = new HashMap<>();
        for (int r = 0; r < runs; r++) {
            EndpointState first = p.pick(FOUR, totals, random).get(0);
            counts.merge(FOUR.indexOf(first), 1, Integer::sum);
        }
        return counts;
    }

    @Test
    void maxScorePicksTheBestAndBreaksTiesAtRandom() {
        assertThat(firstPicks(new MaxScorePicker("p", 1), new double[] {0.1, 0.9, 0.5, 0.2}, 100)).containsOnlyKeys(1);
        Map<Integer, Integer> ties = firstPicks(new MaxScorePicker("p", 1), new double[] {0.7, 0.7, 0.1, 0.7}, 3000);
        assertThat(ties).containsOnlyKeys(0, 1, 3);
        assertThat(ties.values()).allSatisfy(c -> assertThat(c).isBetween(850, 1150));
    }

    @Test
    void maxScoreReturnsAnOrderedFallbackList() {
        List<EndpointState> picks = new MaxScorePicker("p", 3).pick(FOUR, new double[] {0.1, 0.9, 0.5, 0.2},
                new SplittableRandom(1));
        assertThat(picks).containsExactly(FOUR.get(1), FOUR.get(2), FOUR.get(3));
    }

    @Test
    void weightedRandomPicksInProportionToScoreAndZeroOnlyAsALastResort() {
        Map<Integer, Integer> picks = firstPicks(new WeightedRandomPicker("w", 1), new double[] {1, 2, 1, 0}, 8000);
        assertThat(picks).doesNotContainKey(3);
        assertThat(picks.get(1)).isBetween(3700, 4300);                // 2/4 of 8000
        assertThat(picks.get(0)).isBetween(1750, 2250);                // 1/4
        List<EndpointState> all = new WeightedRandomPicker("w", 4).pick(FOUR, new double[] {1, 2, 1, 0}, new SplittableRandom(3));
        assertThat(all).hasSize(4).endsWith(FOUR.get(3));
        Map<Integer, Integer> zeros = firstPicks(new WeightedRandomPicker("w", 1), new double[] {0, 0, 0, 0}, 4000);
        assertThat(zeros.values()).allSatisfy(c -> assertThat(c).isBetween(850, 1150));
    }

    @Test
    void randomIgnoresScoresAndNeverRepeats() {
        Map<Integer, Integer> picks = firstPicks(new RandomPicker("r", 1), new double[] {1, 0, 0, 0}, 4000);
        assertThat(picks.values()).allSatisfy(c -> assertThat(c).isBetween(850, 1150));
        assertThat(new RandomPicker("r", 9).pick(FOUR, new double[4], new SplittableRandom(2))).doesNotHaveDuplicates().hasSize(4);
        assertThatThrownBy(() -> new RandomPicker("r", 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
