package dev.switchboard.picker.plugins.scorer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.switchboard.picker.scheduling.EndpointState;
import java.util.List;
import org.junit.jupiter.api.Test;

class PrefillRatesTest {
    static EndpointState learned(int i, double rate, double samples) {
        return new EndpointState(PredictedTtftScorerTest.endpoint(i), null, false, 0, 0, 0, 0, rate, samples);
    }

    @Test
    void aRateFromFewAnswersIsPulledTowardThePoolsMedianAndOneFromManyHardly() {
        double[] r = PrefillRates.of(List.of(learned(1, 10_000, 3), learned(2, 20_000, 300), learned(3, 20_000, 300),
                learned(4, 5_000, 300), learned(5, Double.NaN, 0)), 0);
        // median of the learned rates: 15,000 (of 5, 10, 20, 20 thousand)
        assertThat(r[0]).as("three answers: halfway").isCloseTo((3 * 10_000 + 3 * 15_000) / 6.0, within(1e-6));
        assertThat(r[1]).isCloseTo((300 * 20_000 + 3 * 15_000) / 303.0, within(1e-6));
        assertThat(r[3]).as("a slow endpoint many answers tell of stays slow").isCloseTo(5_099, within(1.0));
        assertThat(r[4]).as("not learned: the median").isEqualTo(15_000);
    }

    @Test
    void aConfiguredRateOrAPoolWithNothingLearnedIsTakenAsIs() {
        assertThat(PrefillRates.of(List.of(learned(1, 10_000, 3), learned(2, Double.NaN, 0)), 72_000))
                .containsExactly(72_000, 72_000);
        assertThat(PrefillRates.of(List.of(learned(1, Double.NaN, 0)), 0)).containsExactly(PrefillRates.PRIOR);
    }
}
