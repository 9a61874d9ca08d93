package dev.switchboard.picker.datalayer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class OrcaReportTest {
    static final ModelServerMetrics SCRAPED = new ModelServerMetrics(7, 3, 0.9, 16, 1000, 2, List.of("a"), List.of());

    @Test
    void aTextReportReplacesTheLoadSignalsItNamesAndKeepsTheRestOfTheScrape() {
        ModelServerMetrics m = OrcaReport.apply(SCRAPED,
                "TEXT cpu_utilization=0.3, named_metrics.kv_cache_usage_perc=0.25, named_metrics.num_requests_waiting=1.0");
        assertThat(m).isEqualTo(new ModelServerMetrics(1, 3, 0.25, 16, 1000, 2, List.of("a"), List.of()));
    }

    @Test
    void aJsonReportIsReadToo() {
        ModelServerMetrics m = OrcaReport.apply(null,
                "JSON {\"named_metrics\": {\"kv_cache_usage_perc\": 0.5, \"num_requests_running\": 4.0}}");
        assertThat(m.kvCacheUsage()).isEqualTo(0.5);
        assertThat(m.running()).isEqualTo(4);
        assertThat(m.waiting()).isEqualTo(-1);
    }

    @Test
    void reportsWithoutLoadSignalsOrThatCannotBeReadChangeNothing() {
        assertThat(OrcaReport.apply(SCRAPED, null)).isNull();
        assertThat(OrcaReport.apply(SCRAPED, "TEXT cpu_utilization=0.3")).isNull();
        assertThat(OrcaReport.apply(SCRAPED, "BIN AAAA")).isNull();
        assertThat(OrcaReport.apply(SCRAPED, "JSON {not json")).isNull();
        assertThat(OrcaReport.apply(SCRAPED, "TEXT named_metrics.kv_cache_usage_perc=lots")).isNull();
        assertThat(OrcaReport.apply(SCRAPED, "TEXT named_metrics.num_requests_waiting=-3")).isNull();
    }
}
