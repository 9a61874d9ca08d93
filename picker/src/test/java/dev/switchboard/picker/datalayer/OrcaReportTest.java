package dev.switchboard.picker.datalayer;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
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
    void aBinaryReportIsAnOrcaLoadReportMessageWhoseOtherFieldsAreSkipped() {
        // OrcaLoadReport{cpu_utilization: 0.5, rps: 300, named_metrics: {kv_cache_usage_perc: 0.75,
        // num_requests_waiting: 2}, utilization: {gpu: 0.1}}, encoded field by field from the .proto's numbers
        ByteArrayOutputStream m = new ByteArrayOutputStream();
        m.write(0x09);
        m.writeBytes(le(0.5));                                  // 1: cpu_utilization, fixed64
        m.writeBytes(new byte[] {0x18, (byte) 0xac, 0x02});     // 3: rps, varint 300
        m.writeBytes(entry(8, "kv_cache_usage_perc", 0.75));    // 8: named_metrics
        m.writeBytes(entry(8, "num_requests_waiting", 2));
        m.writeBytes(entry(5, "gpu", 0.1));                     // 5: utilization, another map
        ModelServerMetrics r = OrcaReport.apply(SCRAPED, "BIN " + Base64.getEncoder().encodeToString(m.toByteArray()));
        assertThat(r).isEqualTo(new ModelServerMetrics(2, 3, 0.75, 16, 1000, 2, List.of("a"), List.of()));
    }

    /** A map entry: field {@code field}, wire type 2, holding key = 1 (string) and value = 2 (double). */
    static byte[] entry(int field, String key, double value) {
        byte[] k = key.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        e.write(0x0a);
        e.write(k.length);
        e.writeBytes(k);
        e.write(0x11);
        e.writeBytes(le(value));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(field << 3 | 2);
        out.write(e.size());
        out.writeBytes(e.toByteArray());
        return out.toByteArray();
    }

    static byte[] le(double d) {
        return ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putDouble(d).array();
    }

    @Test
    void reportsWithoutLoadSignalsOrThatCannotBeReadChangeNothing() {
        assertThat(OrcaReport.apply(SCRAPED, null)).isNull();
        assertThat(OrcaReport.apply(SCRAPED, "TEXT cpu_utilization=0.3")).isNull();
        assertThat(OrcaReport.apply(SCRAPED, "BIN AAAA")).isNull();
        assertThat(OrcaReport.apply(SCRAPED, "BIN not base64!")).isNull();
        assertThat(OrcaReport.apply(SCRAPED, "BIN QgUKA2t2")).as("an entry cut short").isNull();
        assertThat(OrcaReport.apply(SCRAPED, "JSON {not json")).isNull();
        assertThat(OrcaReport.apply(SCRAPED, "TEXT named_metrics.kv_cache_usage_perc=lots")).isNull();
        assertThat(OrcaReport.apply(SCRAPED, "TEXT named_metrics.num_requests_waiting=-3")).isNull();
    }
}
