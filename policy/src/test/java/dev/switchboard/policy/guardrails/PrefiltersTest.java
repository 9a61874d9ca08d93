package dev.switchboard.policy.guardrails;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The PII rules' prefilters never hide a match: each rule finds the same with its prefilter as without it, on
 * generated texts dense in what the patterns look for (digits with separators, capitals, e-mail and key shapes).
 */
class PrefiltersTest {
    private static final String[] PIECES = {"4111 1111 1111 1111", "4111-1111-1111-1111", "378282246310005", "+44 20 7946 0958",
        "(415) 555-0123", "415-555-0123", "020 7946 0958", "06 12 34 56 78", "+1 (415) 555 0123", "DE89 3704 0044 0532 0130 00",
        "GB82WEST12345698765432", "jane.doe@example.com", "a@b.co", "x_y%z@mail-1.example.org", "sk-proj-", "sk-ant-api03-",
        "AKIA", "ghp_", "xoxb-", "api_key=", "API-KEY: ", "token: ", "Bearer ", "password=\"", "pwd ", "Authorization: ",
        "\u212Aey=", "\u017Fecret: ", "@", ".", "-", " ", "(", ")", "+", "_", "\n"};
    private static final String ALPHABET = "0123456789 .-()+ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_/=~@";

    private static List<RegexRule> rules() {
        List<RegexRule> out = new ArrayList<>();
        for (PiiKind k : PiiKind.values()) {
            if (k.rule() instanceof PiiKind.SecretRule secret) {
                out.add(secret.prefixed);
                out.add(secret.keyword);
            } else {
                out.add((RegexRule) k.rule());
            }
        }
        return out;
    }

    private static String generate(Random random) {
        StringBuilder b = new StringBuilder();
        int parts = 1 + random.nextInt(8);
        for (int p = 0; p < parts; p++) {
            if (random.nextBoolean()) {
                b.append(PIECES[random.nextInt(PIECES.length)]);
            } else {
                int n = 1 + random.nextInt(24);
                for (int i = 0; i < n; i++) {
                    b.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
                }
            }
        }
        return b.toString();
    }

    @Test
    void everyRuleFindsTheSameWithItsPrefilterAsWithout() {
        Random random = new Random(20261203);
        List<RegexRule> rules = rules();
        int[] matched = new int[rules.size()];
        for (int n = 0; n < 30_000; n++) {
            String text = generate(random);
            for (int r = 0; r < rules.size(); r++) {
                List<TextRule.Match> all = rules.get(r).findAll(text);
                List<TextRule.Match> found = rules.get(r).find(text);
                assertThat(found).as("%s on %s", rules.get(r).ruleId(), text).isEqualTo(all);
                matched[r] += all.isEmpty() ? 0 : 1;
            }
        }
        for (int r = 0; r < rules.size(); r++) {
            // the texts reached every rule's matches, so the comparison above was not vacuous
            assertThat(matched[r]).as(rules.get(r).ruleId() + " matched").isGreaterThan(100);
        }
    }

    @Test
    void digitChainsAreCountedAcrossSeparatorsOnly() {
        var phone = Prefilters.digitChain(8, 3, " .-()");
        assertThat(phone.test("call +1 (415) 555-01")).isTrue();
        assertThat(phone.test("call 415 5x5 5012")).isFalse();
        assertThat(phone.test("1234567")).isFalse();
        assertThat(phone.test("1234 - 5678")).isTrue();
        assertThat(phone.test("1234 -  5678")).isFalse();
        assertThat(Prefilters.ibanStart("iban GB82W")).isTrue();
        assertThat(Prefilters.ibanStart("iban gb82 G8B2")).isFalse();
    }
}
