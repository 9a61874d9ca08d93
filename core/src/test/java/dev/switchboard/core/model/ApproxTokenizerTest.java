package dev.switchboard.core.model;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ApproxTokenizerTest {

    @Test
    void aShortWordWithItsLeadingSpaceIsOneToken() {
        assertThat(ApproxTokenizer.count("the cat sat")).isEqualTo(3);
        assertThat(ApproxTokenizer.count(" abcde fghij")).isEqualTo(2);
    }

    @Test
    void longWordsSplitIntoPiecesOfFiveAndPunctuationStandsAlone() {
        assertThat(ApproxTokenizer.count("tokenization")).isEqualTo(3); // token izati on
        assertThat(ApproxTokenizer.count("hi, there!")).isEqualTo(4);   // hi | , | " there" | !
        assertThat(ApproxTokenizer.count("a  b")).isEqualTo(3);         // a | " " | " b"
        assertThat(ApproxTokenizer.count("")).isZero();
    }

    @Test
    void equalTextGivesEqualIdsAndDifferentTextDifferentIds() {
        long[] a = ApproxTokenizer.ids("the same prefix then A");
        long[] b = ApproxTokenizer.ids("the same prefix then B");
        assertThat(a).hasSize(b.length);
        assertThat(a[0]).isEqualTo(b[0]);
        assertThat(a[a.length - 1]).isNotEqualTo(b[b.length - 1]);
        assertThat(ApproxTokenizer.ids("ab")[0]).isNotEqualTo(ApproxTokenizer.ids("ba")[0]);
    }

    @Test
    void englishProseAveragesAboutFourCharactersAToken() {
        String text = "Switchboard sits in front of every model provider and every self-hosted model server pool, "
                + "reads the model from the request body, and routes it by rules to the endpoint that will serve it best.";
        double charsPerToken = (double) text.length() / ApproxTokenizer.count(text);
        assertThat(charsPerToken).isBetween(3.5, 5.0);
    }
}
