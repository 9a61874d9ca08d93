package dev.switchboard.bench.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.bench.client.ErrorKind;
import dev.switchboard.bench.client.RequestResult;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class BenchReportTest {
    private static RequestResult ok(long ttftMs, long e2eMs, int tokens) {
        return new RequestResult(null, null, 200, ttftMs * 1_000_000, e2eMs * 1_000_000, tokens, 100, 40,
                new int[] {5_000, 7_000}, null);
    }

    private static BenchReport report() {
        StageRecorder stage = new StageRecorder("rate 2/s", 2, 0);
        StageRecorder overall = new StageRecorder("overall", 0, 0);
        for (StageRecorder r : List.of(stage, overall)) {
            r.start(0);
            r.record(ok(10, 100, 20));
            r.record(ok(30, 300, 40));
            r.record(new RequestResult(ErrorKind.HTTP_5XX, "HTTP 503: busy", 503, -1, 1_000_000, 0, -1, -1, new int[0], null));
            r.end(2_000_000_000L);
        }
        StageRecorder empty = new StageRecorder("concurrency 4", 0, 4);
        RunInfo info = new RunInfo("http://127.0.0.1:8000", "chat", "m", true, "random", "input 1:2", 3,
                Instant.parse("2025-01-01T00:00:00Z"), 2);
        return new BenchReport(info, List.of(stage.report(new PrefixCacheCounters(30, 120)), empty.report(null)),
                overall.report(new PrefixCacheCounters(30, 120)));
    }

    @Test
    void stageFigures() {
        StageReport s = report().stages().getFirst();
        assertThat(s.ok()).isEqualTo(2);
        assertThat(s.failed()).isEqualTo(1);
        assertThat(s.errors()).containsEntry("http_5xx", 1L);
        assertThat(s.durationMs()).isEqualTo(2000.0);
        assertThat(s.requestsPerSecond()).isEqualTo(1.0);
        assertThat(s.outputTokensPerSecond()).isEqualTo(30.0);
        assertThat(s.meanOutputTokens()).isEqualTo(30.0);
        assertThat(s.cachedTokenShare()).isEqualTo(0.4);
        assertThat(s.cacheMissShare()).as("40 of 100 prompt tokens cached: less than half").isEqualTo(1.0);
        assertThat(s.prefixCacheHitRate()).isEqualTo(0.25);
        assertThat(s.ttft().count()).isEqualTo(2);
        assertThat(s.ttft().p50Ms()).isBetween(9.9, 10.1);
        assertThat(s.ttft().maxMs()).isBetween(29.9, 30.1);
        assertThat(s.itl().count()).isEqualTo(4);
        assertThat(s.e2e().p99Ms()).isBetween(299.0, 301.0);
    }

    @Test
    void jsonParsesAndHasTheStableFields() throws Exception {
        JsonNode root = new ObjectMapper().readTree(report().toJson());
        assertThat(root.path("run").path("url").asText()).isEqualTo("http://127.0.0.1:8000");
        assertThat(root.path("run").path("started_at").asText()).isEqualTo("2025-01-01T00:00:00Z");
        assertThat(root.path("run").path("connections_opened").asLong()).isEqualTo(2);
        JsonNode s = root.path("stages").path(0);
        for (String field : List.of("name", "load", "rate", "concurrency", "duration_ms", "requests", "ok", "failed",
                "errors", "error_samples", "requests_per_s", "output_tokens", "output_tokens_per_s",
                "mean_output_tokens", "prompt_tokens", "ttft_ms", "itl_ms", "e2e_ms", "prefix_cache_hit_rate",
                "prefix_cache_hits", "prefix_cache_queries", "cached_token_share", "cache_miss_share")) {
            assertThat(s.has(field)).as(field).isTrue();
        }
        assertThat(s.path("load").asText()).isEqualTo("open");
        assertThat(s.path("duration_ms").isDouble()).isTrue();
        assertThat(s.path("errors").path("http_5xx").asLong()).isEqualTo(1);
        assertThat(s.path("ttft_ms").path("p90").isNumber()).isTrue();
        assertThat(s.path("prefix_cache_hit_rate").asDouble()).isEqualTo(0.25);
        JsonNode empty = root.path("stages").path(1);
        assertThat(empty.path("load").asText()).isEqualTo("closed");
        assertThat(empty.path("concurrency").asInt()).isEqualTo(4);
        assertThat(empty.path("ttft_ms").path("p50").isNull()).as("no samples: null, never NaN").isTrue();
        assertThat(empty.path("prefix_cache_hit_rate").isNull()).isTrue();
        assertThat(empty.path("mean_output_tokens").isNull()).isTrue();
        assertThat(root.path("overall").path("ok").asLong()).isEqualTo(2);
    }

    @Test
    void tableShowsEveryStageAndErrors() {
        String table = report().toTable();
        assertThat(table).contains("rate 2/s", "concurrency 4", "overall", "TTFT p99 (ms)", "ITL p50 (ms)", "E2E p90 (ms)",
                "25.0%", "n/a", "http_5xx 1", "HTTP 503: busy", "connections opened: 2");
        assertThat(table.split("http_5xx 1", -1)).as("errors listed per stage, not again for overall").hasSize(2);
    }
}
