package dev.switchboard.picker.pool;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PrefixEstimateTest {
    @Test
    void addsUpExpectedAgainstReportedAndCountsAnswersSentForAnEvictedPrefix() {
        PrefixEstimate e = new PrefixEstimate();
        e.answered(0.9, 1000, 896);   // expected 900 cached, 896 were (the last partial block is never cached)
        e.answered(0.9, 1000, 0);     // expected 900, the server had evicted it: a false hit
        e.answered(0.0, 1000, 512);   // expected none, half was (another client's prompt): under, not a false hit
        e.answered(0.3, 1000, 0);     // expected a little: a miss, but not one the pick counted on
        PrefixEstimate.Totals t = e.totals();
        assertThat(t.answers()).isEqualTo(4);
        assertThat(t.promptTokens()).isEqualTo(4000);
        assertThat(t.estimatedTokens()).isEqualTo(2100);
        assertThat(t.reportedTokens()).isEqualTo(1408);
        assertThat(t.falseHits()).isEqualTo(1);
    }

    @Test
    void anAnswerWithoutACachedCountOrPromptTellsNothing() {
        PrefixEstimate e = new PrefixEstimate();
        e.answered(0.9, 1000, -1);  // the server does not report cached tokens (vLLM without prompt-tokens details)
        e.answered(0.9, 0, 0);
        e.answered(Double.NaN, 1000, 10);
        assertThat(e.totals().answers()).isZero();
        e.answered(2.0, 100, 500); // clamped: at most the whole prompt either way
        assertThat(e.totals().estimatedTokens()).isEqualTo(100);
        assertThat(e.totals().reportedTokens()).isEqualTo(100);
    }
}
