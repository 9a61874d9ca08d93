package dev.switchboard.policy.usage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.switchboard.core.config.ConfigException;
import dev.switchboard.core.config.Fields;
import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

class PriceTableTest {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    static PriceTable read(String yaml) throws Exception {
        return PriceTableReader.read(new Fields(YAML.readTree(yaml), "prices.yaml", "spec"));
    }

    @Test
    void costIsOneCeilingOfTheSumOfTheThreeProducts() {
        Price p = new Price(2_500_000, 10_000_000, 1_250_000);   // $2.50 / $10 / $1.25 per 1M
        // 1000 prompt tokens of which 400 cached, 300 output: 600*2.5 + 400*1.25 + 300*10 = 1500+500+3000 = 5000 µ$
        assertThat(p.costMicros(1000, 300, 400)).isEqualTo(5000);
        // 1 input token costs 2.5 µ$ -> rounded up to 3, once
        assertThat(p.costMicros(1, 0, 0)).isEqualTo(3);
        // 1 input + 1 cached: 2.5 + 1.25 = 3.75 -> 4 (rounding per product would give 3 + 2 = 5)
        assertThat(p.costMicros(2, 0, 1)).isEqualTo(4);
        // cached never exceeds input
        assertThat(p.costMicros(10, 0, 50)).isEqualTo(p.costMicros(10, 0, 10));
        assertThat(p.costMicros(Long.MAX_VALUE, Long.MAX_VALUE, 0)).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void maxOutputWithinIsTheLargestOutputWhoseCostFits() {
        Price p = new Price(2_500_000, 10_000_000, 0);
        long out = p.maxOutputWithin(5000, 1000);      // 1000 in = 2500 µ$; 2500 left / 10 µ$ per token = 250
        assertThat(out).isEqualTo(250);
        assertThat(p.costMicros(1000, out, 0)).isLessThanOrEqualTo(5000);
        assertThat(p.costMicros(1000, out + 1, 0)).isGreaterThan(5000);
        assertThat(p.maxOutputWithin(2000, 1000)).isEqualTo(-1);
        assertThat(Price.FREE.maxOutputWithin(0, 10)).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void dollarsAreReadExactly() {
        assertThat(Price.microsPerMillion(new BigDecimal("2.50"))).isEqualTo(2_500_000);
        assertThat(Price.microsPerMillion(new BigDecimal("0.075"))).isEqualTo(75_000);
        assertThatThrownBy(() -> Price.microsPerMillion(new BigDecimal("0.0000001")))
                .hasMessageContaining("at most 6 decimals");
    }

    @Test
    void exactNameBeatsPrefixAndLongestPrefixWins() throws Exception {
        PriceTable t = read("""
                currency: USD
                models:
                  - {name: gpt-4o, input: "2.50", output: "10.00", cachedInput: "1.25"}
                  - {prefix: gpt-4o, input: 5, output: 15}
                  - {prefix: gpt-4o-mini, input: 0.15, output: 0.60}
                """);
        assertThat(t.priceOf("gpt-4o")).contains(new Price(2_500_000, 10_000_000, 1_250_000));
        assertThat(t.priceOf("gpt-4o-2024-08-06")).contains(new Price(5_000_000, 15_000_000, 5_000_000));
        assertThat(t.priceOf("gpt-4o-mini-2024-07-18")).contains(new Price(150_000, 600_000, 150_000));
        assertThat(t.priceOf("claude-3")).isEmpty();
    }

    @Test
    void badDocumentsSayWhereAndWhy() {
        assertThatThrownBy(() -> read("models: [{name: a, input: 1}]"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("spec.models[0].output: required");
        assertThatThrownBy(() -> read("models: [{name: a, prefix: b, input: 1, output: 1}]"))
                .hasMessageContaining("exactly one of name");
        assertThatThrownBy(() -> read("models: [{name: a, input: -1, output: 1}]"))
                .hasMessageContaining("spec.models[0].input: expected a price >= 0");
        assertThatThrownBy(() -> read("models: [{name: a, input: lots, output: 1}]"))
                .hasMessageContaining("spec.models[0].input: expected US dollars");
        assertThatThrownBy(() -> read("models: [{name: a, input: 1, output: 1}, {name: a, input: 2, output: 2}]"))
                .hasMessageContaining("spec.models[1].name: 'a' is priced twice");
        assertThatThrownBy(() -> read("currency: EUR")).hasMessageContaining("only USD");
        assertThatThrownBy(() -> read("llmRequestCosts: [{metadataKey: x, type: InputToken}]"))
                .hasMessageContaining("spec.llmRequestCosts: is Envoy AI Gateway's list of token counts");
    }
}
