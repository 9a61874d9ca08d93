package dev.switchboard.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class BenchCommandTest {
    final BenchCommand.DurationConverter converter = new BenchCommand.DurationConverter();

    @Test
    void durationsReadLikeConfigurationDurationsAndBareNumbersAreSeconds() {
        assertThat(converter.convert("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(converter.convert("2m")).isEqualTo(Duration.ofMinutes(2));
        assertThat(converter.convert(" 45 ")).isEqualTo(Duration.ofSeconds(45));
        assertThatThrownBy(() -> converter.convert("soon")).isInstanceOf(CommandLine.TypeConversionException.class)
                .hasMessageContaining("e.g. 500ms, 30s");
    }
}
