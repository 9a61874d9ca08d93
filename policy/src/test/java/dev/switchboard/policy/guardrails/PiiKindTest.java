package dev.switchboard.policy.guardrails;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PiiKindTest {
    private static String redact(String text) {
        List<TextRule> rules = List.of(PiiKind.SECRET.rule(), PiiKind.CARD.rule(), PiiKind.IBAN.rule(),
                PiiKind.EMAIL.rule(), PiiKind.PHONE.rule());
        return Spans.redact(text, Spans.find(rules, text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"4111 1111 1111 1111", "4111-1111-1111-1111", "5500005555555559", "378282246310005",
            "6011111111111117"})
    void cardsThatPassLuhnAreRedacted(String card) {
        assertThat(redact("pay with " + card + " please")).isEqualTo("pay with [REDACTED:CARD] please");
    }

    @ParameterizedTest
    @ValueSource(strings = {"4111 1111 1111 1112", "5500005555555558", "1234567890123"})
    void nearMissCardsAreLeftAlone(String digits) {
        assertThat(redact("order " + digits)).doesNotContain("[REDACTED:CARD]");
    }

    @Test
    void ibansPassingMod97AreRedactedAndNearMissesAreNot() {
        assertThat(redact("IBAN DE89 3704 0044 0532 0130 00 IS mine")).isEqualTo("IBAN [REDACTED:IBAN] IS mine");
        assertThat(redact("to GB82WEST12345698765432.")).isEqualTo("to [REDACTED:IBAN].");
        assertThat(redact("to GB82WEST12345698765433.")).isEqualTo("to GB82WEST12345698765433.");
        assertThat(redact("IBAN DE88 3704 0044 0532 0130 00")).doesNotContain("[REDACTED:IBAN]");
        assertThat(Checksums.iban("FR1420041010050500013M02606")).isTrue();
        assertThat(Checksums.iban("FR1420041010050500013M02607")).isFalse();
    }

    @Test
    void emails() {
        assertThat(redact("mail jane.doe+tag@mail.example.co.uk now")).isEqualTo("mail [REDACTED:EMAIL] now");
        assertThat(redact("not an email: user@localhost or @handle")).doesNotContain("REDACTED");
    }

    @Test
    void phonesInE164AndNationalFormatsButNotDatesOrVersions() {
        assertThat(redact("call +44 20 7946 0958 today")).isEqualTo("call [REDACTED:PHONE] today");
        assertThat(redact("call +14155550123.")).isEqualTo("call [REDACTED:PHONE].");
        assertThat(redact("call (415) 555-0123")).isEqualTo("call [REDACTED:PHONE]");
        assertThat(redact("call 415-555-0123")).isEqualTo("call [REDACTED:PHONE]");
        assertThat(redact("appelle 06 12 34 56 78")).isEqualTo("appelle [REDACTED:PHONE]");
        assertThat(redact("on 2024-01-15, version 1.2.3, order 12345678")).doesNotContain("REDACTED");
        assertThat(redact("+12 34")).doesNotContain("REDACTED");
    }

    @Test
    void secretsByPrefixAndByKeywordWithEntropy() {
        assertThat(redact("key sk-proj-abcDEF1234567890ghiJKL done")).isEqualTo("key [REDACTED:SECRET] done");
        assertThat(redact("AKIAIOSFODNN7EXAMPLE")).isEqualTo("[REDACTED:SECRET]");
        assertThat(redact("ghp_" + "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8")).isEqualTo("[REDACTED:SECRET]");
        assertThat(redact("xoxb-1234567890-abcdefghij")).isEqualTo("[REDACTED:SECRET]");
        assertThat(redact("api_key=Zx9Qw2Lp7Rt5Vb3Nm8Kd")).isEqualTo("api_key=[REDACTED:SECRET]");
        // near misses: too short after the prefix, or a low-entropy value after a keyword
        assertThat(redact("sk-short and AKIA1234")).doesNotContain("REDACTED");
        assertThat(redact("password=aaaaaaaaaaaaaaaaaaaa")).doesNotContain("REDACTED");
        assertThat(redact("the token is documented in the manual")).doesNotContain("REDACTED");
    }

    @Test
    void aRequestIsRedactedSegmentBySegmentInTheRolesConfigured() {
        RuleGuardrail pii = RuleGuardrail.pii("pii", Set.of(PiiKind.values()), Action.REDACT,
                Set.of(PromptText.Role.USER));
        PromptText prompt = PromptText.of(new PromptText.Segment(PromptText.Role.SYSTEM, "support: help@corp.example"),
                new PromptText.Segment(PromptText.Role.USER, "I am bob@example.com, card 4111111111111111"));
        Verdict v = pii.checkRequest(prompt).toCompletableFuture().join();
        assertThat(v.action()).isEqualTo(Action.REDACT);
        assertThat(v.redacted().segments().get(0).text()).isEqualTo("support: help@corp.example");
        assertThat(v.redacted().segments().get(1).text()).isEqualTo("I am [REDACTED:EMAIL], card [REDACTED:CARD]");
        assertThat(v.message()).doesNotContain("bob@example.com").doesNotContain("4111");
    }
}
