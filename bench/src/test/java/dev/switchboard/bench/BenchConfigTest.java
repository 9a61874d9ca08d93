package dev.switchboard.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.bench.scenario.MultiTurnSpec;
import dev.switchboard.bench.scenario.TokenRange;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class BenchConfigTest {
    private static BenchConfig.Builder base() {
        return BenchConfig.builder().url("http://127.0.0.1:8000");
    }

    @Test
    void defaults() {
        BenchConfig c = base().build();
        assertThat(c.api()).isEqualTo(BenchConfig.Api.CHAT);
        assertThat(c.stream()).isTrue();
        assertThat(c.timeout()).isEqualTo(Duration.ofSeconds(300));
        assertThat(c.stages()).hasSize(1);
        assertThat(c.stages().getFirst().concurrency()).isEqualTo(BenchConfig.DEFAULT_CONCURRENCY);
        assertThat(c.stageDuration()).as("nothing else bounds the run").isEqualTo(BenchConfig.DEFAULT_STAGE_DURATION);
    }

    @Test
    void stageDurationDefaultsOnlyWhenNeeded() {
        assertThat(base().requests(40).build().stageDuration()).isNull();
        assertThat(base().duration(Duration.ofSeconds(5)).build().stageDuration()).isNull();
        assertThat(base().workload(new MultiTurnSpec(2, 2, 0, 5, TokenRange.of(3))).build().stageDuration()).isNull();
        assertThat(base().rates(1, 2).requests(40).build().stageDuration()).as("several stages need a per-stage bound")
                .isEqualTo(BenchConfig.DEFAULT_STAGE_DURATION);
        assertThat(base().rates(1, 2).requestsPerStage(10).build().stageDuration()).isNull();
    }

    @Test
    void invalidValuesNameTheFlag() {
        assertThatThrownBy(() -> BenchConfig.builder().build()).hasMessageContaining("--url");
        assertThatThrownBy(() -> BenchConfig.builder().url("ftp://x").build()).hasMessageContaining("http://");
        assertThatThrownBy(() -> BenchConfig.builder().url("http://h:8000?a=b").build()).hasMessageContaining("query");
        assertThatThrownBy(() -> base().timeout(Duration.ZERO).build()).hasMessageContaining("--timeout");
        assertThatThrownBy(() -> base().requests(-1).build()).hasMessageContaining("--requests");
        assertThatThrownBy(() -> base().header("bad name", "v").build()).hasMessageContaining("--header");
        assertThatThrownBy(() -> base().header("x", "a\r\nb: c").build()).hasMessageContaining("line breaks");
        assertThatThrownBy(() -> base().metricsUrl("localhost:9000").build()).hasMessageContaining("--metrics-url");
        assertThatThrownBy(() -> BenchConfig.Api.parse("embeddings")).hasMessageContaining("chat or completions");
        assertThatThrownBy(() -> base().rates(-1)).hasMessageContaining("--rate");
    }

    @Test
    void toStringHidesTheApiKey() {
        assertThat(base().apiKey("sk-secret").build().toString()).doesNotContain("sk-secret").contains("apiKey=***");
    }

    @Test
    void repeatedUrlsAreTargetsInTurnAndMustShareThePath() {
        BenchConfig c = base().addUrl("http://127.0.0.1:8001/").addUrl("http://127.0.0.1:8002").build();
        Target t = Target.of(c);

        assertThat(t.origins()).extracting(o -> o.port()).containsExactly(8000, 8001, 8002);
        assertThat(t.origin(0).port()).isEqualTo(8000);
        assertThat(t.origin(4).port()).isEqualTo(8001);
        assertThat(Target.of(base().build()).origin(7)).isEqualTo(Target.of(base().build()).origin());
        assertThatThrownBy(() -> base().addUrl("http://127.0.0.1:8001/openai").build())
                .hasMessageContaining("same path");
    }

    @Test
    void targetPaths() {
        Target t = Target.of(base().metricsUrl("http://10.0.0.1:9000").metricsUrl("http://10.0.0.2:9000/stats?x=1").build());
        assertThat(t.apiPath()).isEqualTo("/v1/chat/completions");
        assertThat(t.modelsPath()).isEqualTo("/v1/models");
        assertThat(t.metrics()).extracting(Object::toString).containsExactly("http://127.0.0.1:8000/metrics",
                "http://10.0.0.1:9000/metrics", "http://10.0.0.2:9000/stats?x=1");
        Target v1 = Target.of(BenchConfig.builder().url("https://api.example.com/v1/").api(BenchConfig.Api.COMPLETIONS).build());
        assertThat(v1.apiPath()).isEqualTo("/v1/completions");
        assertThat(v1.origin().port()).isEqualTo(443);
        assertThat(v1.origin().hostHeader()).isEqualTo("api.example.com");
        Target prefixed = Target.of(BenchConfig.builder().url("http://gw:8080/openai").build());
        assertThat(prefixed.apiPath()).isEqualTo("/openai/v1/chat/completions");
        assertThat(prefixed.metrics().getFirst().path()).isEqualTo("/metrics");
    }
}
