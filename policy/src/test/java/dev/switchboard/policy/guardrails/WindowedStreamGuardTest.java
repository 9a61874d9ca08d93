package dev.switchboard.policy.guardrails;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class WindowedStreamGuardTest {
    private static final List<RuleGuardrail.PatternSpec> BANNED =
            List.of(new RuleGuardrail.PatternSpec("codename", "project bluebird", true));

    private static WindowedStreamGuard guard(int window) {
        RuleGuardrail pii = RuleGuardrail.pii("pii", Set.of(PiiKind.EMAIL, PiiKind.CARD), Action.REDACT,
                Set.of(PromptText.Role.USER));
        RuleGuardrail banned = RuleGuardrail.patterns("topics", BANNED, Action.BLOCK, Set.of(PromptText.Role.USER));
        return new WindowedStreamGuard(concat(pii.responseRules(), banned.responseRules()), window);
    }

    private static <T> List<T> concat(List<T> a, List<T> b) {
        List<T> out = new java.util.ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    /** Feeds {@code text} in pieces of {@code size} characters; returns what reached the client. */
    private static String stream(StreamGuard g, String text, int size, StringBuilder sent) {
        for (int i = 0; i < text.length(); i += size) {
            StreamGuard.Release r = g.offer(text.substring(i, Math.min(text.length(), i + size)));
            sent.append(r.text());
            if (r.blocked()) {
                return "BLOCKED";
            }
        }
        StreamGuard.Release r = g.finish();
        sent.append(r.text());
        return r.blocked() ? "BLOCKED" : sent.toString();
    }

    @Test
    void anEmailSplitOverDeltasOfEverySizeIsRedactedWhole() {
        String text = "Write to jane.doe@example.com for details about the card 4111 1111 1111 1111, thanks.";
        for (int size = 1; size <= text.length(); size++) {
            assertThat(stream(guard(40), text, size, new StringBuilder())).as("delta size %d", size)
                    .isEqualTo("Write to [REDACTED:EMAIL] for details about the card [REDACTED:CARD], thanks.");
        }
    }

    @Test
    void holdsBackAtMostTheWindow() {
        WindowedStreamGuard g = guard(20);
        String text = "a".repeat(100);
        StringBuilder sent = new StringBuilder();
        for (int i = 0; i < text.length(); i += 7) {
            sent.append(g.offer(text.substring(i, Math.min(text.length(), i + 7))).text());
            int arrived = Math.min(text.length(), i + 7);
            assertThat(arrived - sent.length()).isLessThanOrEqualTo(20);
        }
        sent.append(g.finish().text());
        assertThat(sent.toString()).isEqualTo(text);
    }

    @Test
    void aBlockedPhraseAcrossDeltasStopsTheStreamBeforeAnyOfItIsSent() {
        String text = "x".repeat(300) + " the plan is Project   Bluebird, launching soon";
        for (int size : new int[] {1, 3, 16, 64}) {
            StringBuilder sent = new StringBuilder();
            assertThat(stream(guard(200), text, size, sent)).isEqualTo("BLOCKED");
            assertThat(sent.toString()).doesNotContainIgnoringCase("project").doesNotContainIgnoringCase("blue");
        }
        WindowedStreamGuard g = guard(200);
        StreamGuard.Release r = g.offer("Project Bluebird");
        assertThat(r.verdict().ruleId()).isEqualTo("topics/codename");
        assertThat(r.verdict().message()).doesNotContainIgnoringCase("bluebird");
        assertThat(g.offer("more").blocked()).isTrue();
        assertThat(g.finish().blocked()).isTrue();
    }

    @Test
    void aMatchLongerThanTheWindowIsNotHeldBackFor() {
        // the documented limit: with a 5-character window, an e-mail address of 20 characters sent one character
        // at a time leaks its first part before it is recognisable
        String sent = stream(guard(5), "mail aaaaaa@example.com now", 1, new StringBuilder());
        assertThat(sent).doesNotContain("[REDACTED:EMAIL]");
        // the same address in one delta is caught: all of it is pending at one scan
        assertThat(stream(guard(5), "mail aaaaaa@example.com now", 100, new StringBuilder()))
                .isEqualTo("mail [REDACTED:EMAIL] now");
    }

    @Test
    void logOnlyRulesLetTextThroughAndReportOnce() {
        RuleGuardrail log = RuleGuardrail.patterns("watch", BANNED, Action.LOG, Set.of(PromptText.Role.USER));
        WindowedStreamGuard g = new WindowedStreamGuard(log.responseRules(), 10);
        StringBuilder sent = new StringBuilder();
        sent.append(g.offer("about project bl").text());
        StreamGuard.Release r = g.offer("uebird!");
        sent.append(r.text()).append(g.finish().text());
        assertThat(sent.toString()).isEqualTo("about project bluebird!");
        assertThat(r.verdict().action()).isEqualTo(Action.LOG);
    }
}
