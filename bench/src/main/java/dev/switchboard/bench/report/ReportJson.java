package dev.switchboard.bench.report;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.Map;

/** Writes a {@link BenchReport} as JSON with fixed snake_case field names; unknown figures are {@code null}. */
final class ReportJson {
    private static final JsonFactory JSON = new JsonFactory();

    private ReportJson() {}

    static String render(BenchReport report) {
        StringWriter out = new StringWriter();
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.useDefaultPrettyPrinter();
            g.writeStartObject();
            run(g, report.run());
            g.writeArrayFieldStart("stages");
            for (StageReport s : report.stages()) {
                stage(g, s);
            }
            g.writeEndArray();
            g.writeFieldName("overall");
            stage(g, report.overall());
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.append('\n').toString();
    }

    private static void run(JsonGenerator g, RunInfo r) throws IOException {
        g.writeObjectFieldStart("run");
        g.writeStringField("url", r.url());
        g.writeStringField("api", r.api());
        g.writeStringField("model", r.model());
        g.writeBooleanField("stream", r.stream());
        g.writeStringField("workload", r.workload());
        g.writeStringField("workload_params", r.workloadParams());
        g.writeNumberField("seed", r.seed());
        g.writeStringField("started_at", r.startedAt().toString());
        g.writeNumberField("connections_opened", r.connectionsOpened());
        g.writeEndObject();
    }

    private static void stage(JsonGenerator g, StageReport s) throws IOException {
        g.writeStartObject();
        g.writeStringField("name", s.name());
        g.writeStringField("load", s.rate() > 0 ? "open" : s.concurrency() > 0 ? "closed" : null);
        number(g, "rate", s.rate() > 0 ? s.rate() : Double.NaN);
        if (s.concurrency() > 0) {
            g.writeNumberField("concurrency", s.concurrency());
        } else {
            g.writeNullField("concurrency");
        }
        g.writeNumberField("duration_ms", s.durationMs());
        g.writeNumberField("requests", s.requests());
        g.writeNumberField("ok", s.ok());
        g.writeNumberField("failed", s.failed());
        g.writeObjectFieldStart("errors");
        for (Map.Entry<String, Long> e : s.errors().entrySet()) {
            g.writeNumberField(e.getKey(), e.getValue());
        }
        g.writeEndObject();
        g.writeObjectFieldStart("error_samples");
        for (Map.Entry<String, String> e : s.errorSamples().entrySet()) {
            g.writeStringField(e.getKey(), e.getValue());
        }
        g.writeEndObject();
        g.writeNumberField("requests_per_s", s.requestsPerSecond());
        g.writeNumberField("output_tokens", s.outputTokens());
        g.writeNumberField("output_tokens_per_s", s.outputTokensPerSecond());
        number(g, "mean_output_tokens", s.meanOutputTokens());
        g.writeNumberField("prompt_tokens", s.promptTokens());
        latency(g, "ttft_ms", s.ttft());
        latency(g, "itl_ms", s.itl());
        latency(g, "e2e_ms", s.e2e());
        number(g, "prefix_cache_hit_rate", s.prefixCacheHitRate());
        if (s.prefixCache() != null) {
            g.writeNumberField("prefix_cache_hits", s.prefixCache().hits());
            g.writeNumberField("prefix_cache_queries", s.prefixCache().queries());
        } else {
            g.writeNullField("prefix_cache_hits");
            g.writeNullField("prefix_cache_queries");
        }
        number(g, "cached_token_share", s.cachedTokenShare());
        number(g, "cache_miss_share", s.cacheMissShare());
        g.writeEndObject();
    }

    private static void latency(JsonGenerator g, String field, LatencySummary l) throws IOException {
        g.writeObjectFieldStart(field);
        g.writeNumberField("count", l.count());
        number(g, "mean", l.meanMs());
        number(g, "p50", l.p50Ms());
        number(g, "p90", l.p90Ms());
        number(g, "p99", l.p99Ms());
        number(g, "max", l.maxMs());
        g.writeEndObject();
    }

    /** A number, or null for NaN (JSON has no NaN). */
    private static void number(JsonGenerator g, String field, double value) throws IOException {
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            g.writeNullField(field);
        } else {
            g.writeNumberField(field, value);
        }
    }
}
