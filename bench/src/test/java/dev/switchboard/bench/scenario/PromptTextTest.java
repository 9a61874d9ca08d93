package dev.switchboard.bench.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.core.model.ApproxTokenizer;
import org.junit.jupiter.api.Test;

class PromptTextTest {
    @Test
    void exactTokenCounts() {
        for (int n : new int[] {1, 2, 7, 100, 1200, 6000}) {
            assertThat(ApproxTokenizer.count(PromptText.words(n * 31L, n))).as("%d tokens", n).isEqualTo(n);
        }
    }

    @Test
    void concatenationsStayExact() {
        String a = PromptText.words(1, 50);
        String b = PromptText.words(2, 70);
        assertThat(ApproxTokenizer.count(a + b)).isEqualTo(120);
    }

    @Test
    void repeatableFromTheSeedOnly() {
        assertThat(PromptText.words(42, 300)).isEqualTo(PromptText.words(42, 300));
        assertThat(PromptText.words(42, 300)).isNotEqualTo(PromptText.words(43, 300));
        assertThat(PromptText.seed(1, 2, 3)).isEqualTo(PromptText.seed(1, 2, 3)).isNotEqualTo(PromptText.seed(1, 2, 4));
    }

    @Test
    void differentSeedsShareNoLongPrefix() {
        String a = PromptText.words(PromptText.seed(0, 1, 0), 200);
        String b = PromptText.words(PromptText.seed(0, 1, 1), 200);
        int common = 0;
        while (common < a.length() && a.charAt(common) == b.charAt(common)) {
            common++;
        }
        assertThat(common).isLessThan(16);
    }
}
