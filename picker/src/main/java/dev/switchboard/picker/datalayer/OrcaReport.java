package dev.switchboard.picker.datalayer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.List;

/**
 * Reads an ORCA load report, the {@code endpoint-load-metrics} response header a model server such as vLLM sends
 * when asked ({@code endpoint-load-metrics-format}): {@code TEXT named_metrics.kv_cache_usage_perc=0.5,
 * named_metrics.num_requests_waiting=3.0} or {@code JSON {"named_metrics": {...}}}. It is fresher than the last
 * scrape, so its values replace the scraped ones they name; the rest of the scrape stands. {@code BIN} (protobuf)
 * reports are not read.
 */
public final class OrcaReport {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String KV = "kv_cache_usage_perc";
    private static final String WAITING = "num_requests_waiting";
    private static final String RUNNING = "num_requests_running";

    private OrcaReport() {}

    /**
     * {@code base} updated with what {@code header} reports, or null when the header names none of the load
     * signals (or cannot be read). {@code base} may be null: fields the report lacks are then unknown.
     */
    public static ModelServerMetrics apply(ModelServerMetrics base, String header) {
        if (header == null) {
            return null;
        }
        String h = header.strip();
        double[] v = {Double.NaN, Double.NaN, Double.NaN}; // kv, waiting, running
        if (h.regionMatches(true, 0, "TEXT ", 0, 5)) {
            for (String pair : h.substring(5).split(",")) {
                int eq = pair.indexOf('=');
                if (eq > 0) {
                    put(v, pair.substring(0, eq).strip(), pair.substring(eq + 1).strip());
                }
            }
        } else if (h.regionMatches(true, 0, "JSON ", 0, 5)) {
            try {
                JsonNode named = JSON.readTree(h.substring(5)).path("named_metrics");
                for (var it = named.fields(); it.hasNext(); ) {
                    var e = it.next();
                    put(v, "named_metrics." + e.getKey(), e.getValue().asText());
                }
            } catch (IOException e) {
                return null;
            }
        } else {
            return null;
        }
        if (Double.isNaN(v[0]) && Double.isNaN(v[1]) && Double.isNaN(v[2])) {
            return null;
        }
        ModelServerMetrics b = base != null ? base
                : new ModelServerMetrics(-1, -1, Double.NaN, -1, -1, -1, List.of(), List.of());
        return new ModelServerMetrics(
                Double.isNaN(v[1]) ? b.waiting() : (int) v[1],
                Double.isNaN(v[2]) ? b.running() : (int) v[2],
                Double.isNaN(v[0]) ? b.kvCacheUsage() : v[0],
                b.blockSize(), b.kvBlocks(), b.maxLoras(), b.runningAdapters(), b.waitingAdapters());
    }

    private static void put(double[] v, String key, String value) {
        int slot = switch (key) {
            case "named_metrics." + KV -> 0;
            case "named_metrics." + WAITING -> 1;
            case "named_metrics." + RUNNING -> 2;
            default -> -1;
        };
        if (slot >= 0) {
            try {
                double d = Double.parseDouble(value);
                if (d >= 0 && Double.isFinite(d)) {
                    v[slot] = d;
                }
            } catch (NumberFormatException ignored) {
                // a malformed value is as good as absent
            }
        }
    }
}
