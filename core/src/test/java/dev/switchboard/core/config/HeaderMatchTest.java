package dev.switchboard.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class HeaderMatchTest {
    static HeaderMatch regex(String value) {
        return HeaderMatch.of(HeaderMatch.Type.RegularExpression, "x-ai-eg-model", value);
    }

    @Test
    void aRegularExpressionMatchesTheWholeValue() {
        HeaderMatch m = regex("llama-[0-9]+(-instruct)?");
        assertThat(m.matches("llama-3")).isTrue();
        assertThat(m.matches("llama-3-instruct")).isTrue();
        assertThat(m.matches("my-llama-3")).isFalse();
        assertThat(m.matches("llama-3-instruct-x")).isFalse();
        assertThat(m.matches(null)).isFalse();
    }

    @Test
    void backtrackingPatternsAnswerPromptlyOnHostileValues() {
        // (.*a){12} against 40 a's and a c: java.util.regex tries every way to split the a's into 12 runs (JDK 25 took
        // 249 s); .*-.*-.*-.*-.*-.*x is polynomial there (15 s for 100 dashes). (a|aa)+b is the textbook case, which the
        // JDK's own loop memoization defuses since JDK 9. RE2 is linear in the input for all of them.
        String[][] cases = {{"(.*a){12}", "a".repeat(40) + "c"}, {".*-.*-.*-.*-.*-.*x", "-".repeat(100)},
                {"(a|aa)+b", "a".repeat(40)}};
        for (String[] c : cases) {
            HeaderMatch m = regex(c[0]);
            boolean matched = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> m.matches(c[1]), c[0]);
            assertThat(matched).as(c[0]).isFalse();
        }
        assertThat(regex("(.*a){12}").matches("a".repeat(12))).isTrue();
        assertThat(regex("(a|aa)+b").matches("aaab")).isTrue();
    }

    @Test
    void syntaxRe2LacksIsRefusedWithTheReason() {
        assertThatThrownBy(() -> regex("(a)\\1")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("not a valid RE2 regular expression (no backreferences or lookaround):");
        assertThatThrownBy(() -> regex("llama(?=-3)")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no backreferences or lookaround");
        assertThatThrownBy(() -> regex("team-[")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("missing closing ]");
    }
}
