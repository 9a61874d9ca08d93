package dev.switchboard.picker.datalayer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

/**
 * Reads an ORCA load report, the {@code endpoint-load-metrics} response header a model server such as vLLM sends
 * when asked ({@code endpoint-load-metrics-format}): {@code TEXT named_metrics.kv_cache_usage_perc=0.5,
 * named_metrics.num_requests_waiting=3.0}, {@code JSON {"named_metrics": {...}}} or {@code BIN <base64>} (a serialized
 * {@code xds.data.orca.v3.OrcaLoadReport}). It is fresher than the last scrape, so its values replace the scraped ones
 * they name; the rest of the scrape stands.
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
        } else if (h.regionMatches(true, 0, "BIN ", 0, 4)) {
            try {
                readBinary(ByteBuffer.wrap(Base64.getDecoder().decode(h.substring(4).strip())), v);
            } catch (IllegalArgumentException | BufferUnderflowException e) {
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

    /*
     * The protobuf wire format, read by hand for the one field used: named_metrics = 8, a map<string, double>, i.e.
     * repeated entries (wire type 2) of key = 1 (string) and value = 2 (double, fixed64 little-endian). Every other
     * field is skipped by its wire type, so reports with utilization, cpu or request_cost maps read fine.
     */
    private static final int NAMED_METRICS = 8;

    private static void readBinary(ByteBuffer in, double[] v) {
        in.order(ByteOrder.LITTLE_ENDIAN);
        while (in.hasRemaining()) {
            long tag = varint(in);
            if (tag >>> 3 == NAMED_METRICS && (tag & 7) == 2) {
                ByteBuffer entry = slice(in);
                String key = null;
                double value = Double.NaN;
                while (entry.hasRemaining()) {
                    long t = varint(entry);
                    if (t == (1 << 3 | 2)) {
                        ByteBuffer k = slice(entry);
                        key = StandardCharsets.UTF_8.decode(k).toString();
                    } else if (t == (2 << 3 | 1)) {
                        value = entry.getDouble();
                    } else {
                        skip(entry, (int) (t & 7));
                    }
                }
                if (key != null) {
                    put(v, "named_metrics." + key, Double.toString(value));
                }
            } else {
                skip(in, (int) (tag & 7));
            }
        }
    }

    private static long varint(ByteBuffer in) {
        long value = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            byte b = in.get();
            value |= (long) (b & 0x7f) << shift;
            if (b >= 0) {
                return value;
            }
        }
        throw new IllegalArgumentException("varint longer than 10 bytes");
    }

    /** The next length-delimited field's bytes, as a little-endian view; {@code in} moves past them. */
    private static ByteBuffer slice(ByteBuffer in) {
        long length = varint(in);
        if (length < 0 || length > in.remaining()) {
            throw new IllegalArgumentException("field longer than the report");
        }
        ByteBuffer out = in.slice(in.position(), (int) length).order(ByteOrder.LITTLE_ENDIAN);
        in.position(in.position() + (int) length);
        return out;
    }

    private static void skip(ByteBuffer in, int wireType) {
        switch (wireType) {
            case 0 -> varint(in);
            case 1 -> in.position(in.position() + 8);
            case 2 -> slice(in);
            case 5 -> in.position(in.position() + 4);
            default -> throw new IllegalArgumentException("wire type " + wireType);
        }
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
