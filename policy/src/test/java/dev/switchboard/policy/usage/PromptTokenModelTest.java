package dev.switchboard.policy.usage;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class PromptTokenModelTest {
    /** A model server's truth: its tokenizer reads {@code ratio} tokens per counted one, its template adds per message. */
    private record Server(double ratio, int perMessage, double noise) {
        long actual(long counted, int messages, SplittableRandom random) {
            double exact = ratio * counted + perMessage * (messages + 1);
            return Math.round(exact * (1 + noise * (2 * random.nextDouble() - 1)));
        }
    }

    @Test
    void beforeAnyAnswerTheEstimateIsTheCount() {
        PromptTokenModel m = new PromptTokenModel();
        assertThat(m.estimate(120, 3)).isEqualTo(120);
        assertThat(m.estimate(0, 0)).isZero();
        assertThat(m.observations()).isZero();
    }

    @Test
    void learnsTheTemplateAroundShortPromptsAndThenCoversEveryOne() {
        // the simulator's case: the same tokenizer, 14 tokens of template around a one-message prompt
        Server server = new Server(1.0, 7, 0);
        SplittableRandom random = new SplittableRandom(1);
        PromptTokenModel m = new PromptTokenModel();
        for (int i = 0; i < 30; i++) {
            long counted = 8 + random.nextInt(6);
            m.observe(counted, 1, server.actual(counted, 1, random));
        }
        for (long counted = 8; counted < 14; counted++) {
            long actual = server.actual(counted, 1, random);
            assertThat(m.estimate(counted, 1)).as("%s, a prompt of %d counted tokens", m, counted)
                    .isGreaterThanOrEqualTo(actual).isLessThanOrEqualTo(actual + actual / 10);
        }
    }

    @Test
    void learnsAnotherTokenizerAndTemplateOnMixedPromptsWithNoise() {
        Server server = new Server(1.3, 5, 0.05);
        SplittableRandom random = new SplittableRandom(7);
        PromptTokenModel m = new PromptTokenModel();
        for (int i = 0; i < 300; i++) {
            long counted = 20 + random.nextInt(4000);
            int messages = 1 + random.nextInt(8);
            m.observe(counted, messages, server.actual(counted, messages, random));
        }
        int covered = 0;
        double over = 0;
        int n = 1000;
        for (int i = 0; i < n; i++) {
            long counted = 20 + random.nextInt(4000);
            int messages = 1 + random.nextInt(8);
            long actual = server.actual(counted, messages, random);
            long estimate = m.estimate(counted, messages);
            if (estimate >= actual) {
                covered++;
            }
            over += (double) estimate / actual;
        }
        assertThat(covered).as("%s: reservations that covered the prompt", m).isGreaterThanOrEqualTo(n * 95 / 100);
        assertThat(over / n).as("%s: mean estimate / actual", m).isLessThan(1.2);
        // the uncalibrated count would have covered none of them: the server reads 30 % more, plus its template
        assertThat(m.estimate(1000, 1)).isGreaterThan(1300);
    }

    @Test
    void relearnsWhenTheModelIsRedeployedWithAnotherTemplate() {
        SplittableRandom random = new SplittableRandom(3);
        PromptTokenModel m = new PromptTokenModel();
        Server before = new Server(1.0, 4, 0.02);
        for (int i = 0; i < 200; i++) {
            long counted = 50 + random.nextInt(500);
            m.observe(counted, 2, before.actual(counted, 2, random));
        }
        Server after = new Server(1.1, 40, 0.02);
        for (int i = 0; i < 60; i++) {
            long counted = 50 + random.nextInt(500);
            m.observe(counted, 2, after.actual(counted, 2, random));
        }
        long actual = after.actual(300, 2, new SplittableRandom(0));
        assertThat(m.estimate(300, 2)).as("%s", m).isBetween(actual, actual * 13 / 10);
    }

    @Test
    void anAnswerNoTokenizerExplainsIsNotLearnedFrom() {
        PromptTokenModel m = new PromptTokenModel();
        m.observe(100, 1, 1_000_000_000L); // a bogus count, or an image the gateway could not count
        m.observe(100, 1, 0);              // a backend that said 0
        m.observe(0, 1, 50);               // nothing counted: nothing to learn from
        assertThat(m.observations()).isZero();
        assertThat(m.estimate(100, 1)).isEqualTo(100);
        m.observe(100, 1, 4 * 100 + 500); // the most a fit can say: learned, and the estimate stays bounded
        assertThat(m.observations()).isEqualTo(1);
        assertThat(m.estimate(100, 1)).as("%s", m).isBetween(100L, 20_000L);
    }

    @Test
    void aCalibrationKeepsOneModelPerNameAndPoolsThePastItsBound() {
        PromptCalibration c = new PromptCalibration();
        assertThat(c.of("a")).isSameAs(c.of("a")).isNotSameAs(c.of("b"));
        for (int i = 0; i < PromptCalibration.MAX_MODELS + 10; i++) {
            c.of("m" + i);
        }
        assertThat(c.of("made-up-1")).isSameAs(c.of("made-up-2"));
        assertThat(c.of("a")).as("a name known before the bound keeps its own").isSameAs(c.of("a"));
    }
}
