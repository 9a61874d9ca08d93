package dev.switchboard.picker.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class TtftModelTest {
    static final long S = 1_000_000_000L;

    @Test
    void learnsTheRateFromWorkOverTimeOnceThreeSamplesWeighIn() {
        TtftModel m = new TtftModel(30 * S);
        m.observe(2000, 2000, S / 10, 1 * S);          // 20,000 tok/s
        m.observe(4000, 4000, S / 5, 2 * S);           // 20,000 tok/s
        assertThat(m.tokensPerSecond(2 * S)).as("two samples: not yet").isNaN();
        m.observe(1000, 1000, S / 20, 3 * S);
        assertThat(m.tokensPerSecond(3 * S)).isCloseTo(20_000, within(50.0));
        m.observe(10, 10, S, 4 * S); // a tiny prompt's time is fixed costs, not prefill: ignored
        assertThat(m.tokensPerSecond(4 * S)).isCloseTo(20_000, within(100.0));
    }

    @Test
    void predictsFromTheRateKnownWhenTheRequestIsSent() {
        TtftModel m = new TtftModel(30 * S);
        assertThat(m.predictMillis(2000, S)).as("nothing learned").isNaN();
        for (int i = 1; i <= 3; i++) {
            m.observe(2000, 2000, S / 10, i * S); // 20,000 tok/s
        }
        assertThat(m.predictMillis(4000, 3 * S)).isCloseTo(200, within(0.5));
        assertThat(m.predictMillis(10, 3 * S)).as("fixed costs, not prefill: no prediction").isNaN();
    }

    @Test
    void anEndpointThatSlowsDownIsSeenWithinAFewHalfLives() {
        TtftModel m = new TtftModel(10 * S);
        long t = S;
        for (int i = 0; i < 50; i++, t += S / 2) {
            m.observe(4000, 4000, S / 5, t); // 20,000 tok/s for 25 s
        }
        assertThat(m.tokensPerSecond(t)).isCloseTo(20_000, within(100.0));
        for (int i = 0; i < 80; i++, t += S / 2) {
            m.observe(4000, 4000, 2 * S / 5, t); // half as fast for 40 s: four half-lives
        }
        assertThat(m.tokensPerSecond(t)).isCloseTo(10_000, within(800.0));
    }

    @Test
    void anAttemptBehindALongQueueMeasuresTheQueueAndIsNotLearned() {
        TtftModel m = new TtftModel(60 * S);
        for (int i = 1; i <= 3; i++) {
            m.observe(2000, 2000, S / 10, i * S); // alone: 20,000 tok/s
        }
        for (int i = 4; i <= 20; i++) {
            m.observe(8000, 1000, 2 * S, i * S / 4 + 3 * S); // 7,000 tokens of others' ahead, queued behind them too
        }
        assertThat(m.tokensPerSecond(8 * S)).isCloseTo(20_000, within(1.0));
        m.observe(2000, 1000, S / 10, 8 * S); // half its own: counts
        assertThat(m.tokensPerSecond(8 * S)).isCloseTo(20_000, within(1.0));
    }

    @Test
    void anEndpointNoLongerSentToIsForgottenAndSoTriedAgain() {
        TtftModel m = new TtftModel(10 * S);
        for (int i = 1; i <= 5; i++) {
            m.observe(2000, 2000, S, i * S); // five slow cold starts: 2,000 tok/s
        }
        assertThat(m.tokensPerSecond(5 * S)).isCloseTo(2000, within(1.0));
        // the five weigh 4.4 at 5 s
        assertThat(m.tokensPerSecond(10 * S)).as("half a half-life later: 3.1, still known").isCloseTo(2000, within(1.0));
        assertThat(m.tokensPerSecond(25 * S)).as("two half-lives: 1.1, unknown again").isNaN();
    }

    @Test
    void keepsScoreOfItsPredictions() {
        TtftModel m = new TtftModel(30 * S);
        assertThat(m.predictionError().predictions()).isZero();
        m.scored(Double.NaN, 100); // sent before the model knew: not a prediction
        m.scored(120, 100);        // 20% slow
        m.scored(90, 100);         // 10% fast
        TtftModel.PredictionError e = m.predictionError();
        assertThat(e.predictions()).isEqualTo(2);
        assertThat(e.meanAbsolute()).isCloseTo(0.15, within(1e-9));
        assertThat(e.meanSigned()).isCloseTo(0.05, within(1e-9));
    }
}
