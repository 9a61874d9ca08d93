package dev.switchboard.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class QuantitiesTest {
    @Test
    void readsPlainDecimalAndBinarySuffixes() {
        assertThat(Quantities.parse("100")).isEqualTo(100);
        assertThat(Quantities.parse("1k")).isEqualTo(1000);
        assertThat(Quantities.parse("500M")).isEqualTo(500_000_000);
        assertThat(Quantities.parse("1Gi")).isEqualTo(1L << 30);
        assertThat(Quantities.parse("1.5Ki")).isEqualTo(1536);
        assertThat(Quantities.parse(" 2Ti ")).isEqualTo(2L << 40);
    }

    @Test
    void rejectsWhatIsNotAQuantity() {
        assertThatThrownBy(() -> Quantities.parse("-1")).hasMessage("expected a quantity like 100, 1k, 500M or 1Gi, got '-1'");
        assertThatThrownBy(() -> Quantities.parse("1gb")).hasMessageContaining("got '1gb'");
        assertThatThrownBy(() -> Quantities.parse("9000000E")).hasMessageContaining("too large");
    }
}
