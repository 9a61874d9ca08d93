package dev.switchboard.picker.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class PrefillRateTest {
    static final long S = 1_000_000_000L;

    @Test
    void learnsTokensPerSecondFromWorkOverTimeToFirstTokenOnceThreeSamplesWeighIn() {
        PrefillRate r = new PrefillRate(30 * S);
        r.observe(2000, S / 10, 1 * S);          // 20,000 tok/s
        r.observe(4000, S / 5, 2 * S);           // 20,000 tok/s
        assertThat(r.tokensPerSecond(2 * S)).as("two samples: not yet").isNaN();
        r.observe(1000, S / 20, 3 * S);
        assertThat(r.tokensPerSecond(3 * S)).isCloseTo(20_000, within(50.0));
        r.observe(10, S, 4 * S); // a tiny prompt's time is fixed costs, not prefill: ignored
        assertThat(r.tokensPerSecond(4 * S)).isCloseTo(20_000, within(100.0));
    }

    @Test
    void anEndpointThatSlowsDownIsSeenWithinAFewHalfLives() {
        PrefillRate r = new PrefillRate(10 * S);
        long t = S;
        for (int i = 0; i < 50; i++, t += S / 2) {
            r.observe(4000, S / 5, t); // 20,000 tok/s for 25 s
        }
        assertThat(r.tokensPerSecond(t)).isCloseTo(20_000, within(100.0));
        for (int i = 0; i < 80; i++, t += S / 2) {
            r.observe(4000, 2 * S / 5, t); // half as fast for 40 s: four half-lives
        }
        assertThat(r.tokensPerSecond(t)).isCloseTo(10_000, within(800.0));
    }
}
