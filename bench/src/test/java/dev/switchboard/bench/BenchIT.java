package dev.switchboard.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.bench.report.BenchReport;
import dev.switchboard.bench.report.StageReport;
import dev.switchboard.bench.scenario.LoraMixSpec;
import dev.switchboard.bench.scenario.ModelWeight;
import dev.switchboard.bench.scenario.MultiTurnSpec;
import dev.switchboard.bench.scenario.RandomSpec;
import dev.switchboard.bench.scenario.SharedPrefixSpec;
import dev.switchboard.bench.scenario.TokenRange;
import dev.switchboard.sim.SimConfig;
import dev.switchboard.sim.engine.EngineConfig;
import dev.switchboard.sim.server.SimServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Runs the load generator against a real in-process simulator on loopback (no modelled latency). */
@Timeout(120)
class BenchIT {
    private SimServer sim;

    @AfterEach
    void stop() {
        if (sim != null) {
            sim.close();
        }
    }

    private String start(SimConfig config) throws InterruptedException {
        sim = SimServer.start(config.withEngine(config.engine().withTimeScale(0)));
        InetSocketAddress a = sim.addresses().getFirst();
        return "http://127.0.0.1:" + a.getPort();
    }

    private String start() throws InterruptedException {
        return start(SimConfig.defaults().withEndpoints(0, 1));
    }

    private static BenchConfig.Builder config(String url) {
        return BenchConfig.builder().url(url).model(SimConfig.DEFAULT_MODEL).seed(1)
                .workload(new RandomSpec(new TokenRange(20, 60), TokenRange.of(16)));
    }

    private static StageReport only(BenchReport report) {
        assertThat(report.stages()).hasSize(1);
        return report.stages().getFirst();
    }

    @Test
    void closedLoopSendsExactlyTheCappedRequestsOnKeptAliveConnections() throws Exception {
        BenchReport report = Bench.run(config(start()).concurrency(4).requests(40).build(), null, null);
        StageReport s = only(report);
        assertThat(s.ok()).isEqualTo(40);
        assertThat(s.failed()).isZero();
        assertThat(s.outputTokens()).isEqualTo(40 * 16);
        assertThat(s.meanOutputTokens()).isEqualTo(16.0);
        assertThat(s.promptTokens()).isGreaterThan(40 * 20);
        assertThat(s.ttft().count()).isEqualTo(40);
        assertThat(s.e2e().count()).isEqualTo(40);
        assertThat(s.itl().count()).as("15 gaps between 16 content chunks").isEqualTo(40 * 15);
        assertThat(s.ttft().p50Ms()).isLessThanOrEqualTo(s.e2e().p50Ms());
        assertThat(s.ttft().p99Ms()).isLessThanOrEqualTo(s.e2e().p99Ms());
        assertThat(report.run().connectionsOpened()).isBetween(1L, 4L);
        assertThat(report.overall().ok()).isEqualTo(40);
        assertThat(report.overall().prefixCache()).as("the simulator exposes vLLM counters").isNotNull();
    }

    @Test
    void openLoopStagesAreBoundedByTheirRequestCaps() throws Exception {
        BenchReport report = Bench.run(config(start()).rates(200, 400).requestsPerStage(15).build(), null, null);
        assertThat(report.stages()).extracting(StageReport::name).containsExactly("rate 200/s", "rate 400/s");
        assertThat(report.stages()).allSatisfy(s -> assertThat(s.ok()).isEqualTo(15));
        assertThat(report.overall().ok()).isEqualTo(30);
    }

    @Test
    void openLoopStopsAtTheRunDurationAndAtTheTotalCap() throws Exception {
        String url = start();
        BenchReport timed = Bench.run(config(url).rates(20).duration(Duration.ofMillis(500)).build(), null, null);
        assertThat(only(timed).requests()).as("about 10 arrivals expected").isBetween(1L, 60L);
        assertThat(only(timed).failed()).isZero();

        BenchReport capped = Bench.run(config(url).rates(500, 500, 500).requests(25).stageDuration(Duration.ofMinutes(1)).build(),
                null, null);
        assertThat(capped.overall().requests()).isEqualTo(25);
        assertThat(capped.stages()).as("the first stage used the whole cap; no empty stages run").hasSize(1);
    }

    @Test
    void injectedServerErrorsAreCountedByKind() throws Exception {
        String url = start(SimConfig.defaults().withEndpoints(0, 1).withFailures(1.0, List.of("503"), 0));
        StageReport s = only(Bench.run(config(url).concurrency(2).requests(10).build(), null, null));
        assertThat(s.ok()).isZero();
        assertThat(s.failed()).isEqualTo(10);
        assertThat(s.errors()).containsExactly(java.util.Map.entry("http_5xx", 10L));
        assertThat(s.errorSamples().get("http_5xx")).contains("503");
        assertThat(s.ttft().empty()).isTrue();
    }

    @Test
    void forcedFailuresThroughAnExtraHeader() throws Exception {
        String url = start();
        StageReport limited = only(Bench.run(config(url).header("x-sim-fail", "429").concurrency(2).requests(6).build(), null, null));
        assertThat(limited.errors()).containsExactly(java.util.Map.entry("http_429", 6L));

        StageReport reset = only(Bench.run(config(url).header("x-sim-fail", "reset").concurrency(2).requests(6).build(), null, null));
        assertThat(reset.errors()).containsExactly(java.util.Map.entry("reset", 6L));

        StageReport unknownModel = only(Bench.run(config(url).model("no-such-model").concurrency(1).requests(3).build(), null, null));
        assertThat(unknownModel.errors()).containsExactly(java.util.Map.entry("http_4xx", 3L));
    }

    @Test
    void slowResponsesTimeOut() throws Exception {
        String url = start(SimConfig.defaults().withEndpoints(0, 1).withFailures(0, List.of(), 60_000));
        StageReport s = only(Bench.run(config(url).header("x-sim-fail", "slow").timeout(Duration.ofMillis(200))
                .concurrency(3).requests(3).build(), null, null));
        assertThat(s.errors()).containsExactly(java.util.Map.entry("timeout", 3L));
    }

    @Test
    void refusedConnectionsAreConnectErrors() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        StageReport s = only(Bench.run(config("http://127.0.0.1:" + port).concurrency(2).requests(5).build(), null, null));
        assertThat(s.errors()).containsExactly(java.util.Map.entry("connect", 5L));
        assertThat(s.prefixCache()).as("no metrics page: n/a").isNull();
    }

    @Test
    void sharedPrefixWorkloadHitsThePrefixCache() throws Exception {
        String url = start();
        SharedPrefixSpec spec = new SharedPrefixSpec(2, 3, 512, 32, TokenRange.of(4));
        BenchReport report = Bench.run(config(url).workload(spec).concurrency(2).requests(30).build(), null, null);
        StageReport s = only(report);
        assertThat(s.ok()).isEqualTo(30);
        assertThat(s.prefixCache()).isNotNull();
        assertThat(s.prefixCache().queries()).isPositive();
        assertThat(s.prefixCacheHitRate()).isGreaterThan(0.5);
        assertThat(s.cachedTokenShare()).as("usage.prompt_tokens_details.cached_tokens").isGreaterThan(0.5);
        assertThat(report.overall().prefixCacheHitRate()).isEqualTo(s.prefixCacheHitRate());
    }

    @Test
    void extraMetricsUrlsAreSummedAndUnreadableOnesSkipped() throws Exception {
        sim = SimServer.start(SimConfig.defaults().withEndpoints(0, 2).withEngine(EngineConfig.defaults().withTimeScale(0)));
        String first = "http://127.0.0.1:" + sim.addresses().get(0).getPort();
        String second = "http://127.0.0.1:" + sim.addresses().get(1).getPort();
        int dead;
        try (ServerSocket free = new ServerSocket(0)) {
            dead = free.getLocalPort();
        }
        SharedPrefixSpec spec = new SharedPrefixSpec(1, 2, 256, 16, TokenRange.of(2));
        BenchConfig c = config(first).workload(spec).concurrency(1).requests(6).metricsUrl(second)
                .metricsUrl("http://127.0.0.1:" + dead).build();
        StageReport s = only(Bench.run(c, null, null));
        assertThat(s.prefixCache()).isNotNull();
        assertThat(s.prefixCacheHitRate()).isGreaterThan(0);
    }

    @Test
    void repeatedUrlsSpreadRequestsRoundRobinOverTheTargets() throws Exception {
        sim = SimServer.start(SimConfig.defaults().withEndpoints(0, 3).withEngine(EngineConfig.defaults().withTimeScale(0)));
        BenchConfig.Builder b = BenchConfig.builder().model(SimConfig.DEFAULT_MODEL).seed(1)
                .workload(new RandomSpec(new TokenRange(20, 60), TokenRange.of(4))).concurrency(2).requests(30);
        for (InetSocketAddress a : sim.addresses()) {
            b.addUrl("http://127.0.0.1:" + a.getPort());
        }

        StageReport s = only(Bench.run(b.build(), null, null));

        assertThat(s.ok()).isEqualTo(30);
        for (InetSocketAddress a : sim.addresses()) { // each target's own count of the requests it served
            assertThat(served(a.getPort())).as("served by %d", a.getPort()).isEqualTo(10);
        }
    }

    /** Requests the simulator at {@code port} finished, from its own metrics page. */
    private static long served(int port) throws Exception {
        String page = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString()).body();
        return page.lines().filter(l -> l.startsWith("vllm:request_success_total"))
                .mapToLong(l -> (long) Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }

    @Test
    void multiTurnConversationsRunToTheirLastTurn() throws Exception {
        MultiTurnSpec spec = new MultiTurnSpec(3, 4, 64, 24, TokenRange.of(8));
        StageReport s = only(Bench.run(config(start()).workload(spec).concurrency(2).build(), null, null));
        assertThat(s.ok()).as("3 conversations x 4 turns, ended by the workload").isEqualTo(12);
        assertThat(s.promptTokens()).as("later turns carry the history").isGreaterThan(12L * (64 + 24 + 16) + 3L * (3 * (24 + 8)));
        assertThat(s.cachedTokenShare()).as("each turn extends the previous prompt").isGreaterThan(0.3);
    }

    @Test
    void nonStreamedCompletionsWithTheModelFromTheServer() throws Exception {
        BenchConfig c = BenchConfig.builder().url(start() + "/v1").api(BenchConfig.Api.COMPLETIONS).stream(false)
                .workload(new RandomSpec(TokenRange.of(30), TokenRange.of(12))).concurrency(3).requests(9).build();
        BenchReport report = Bench.run(c, null, null);
        StageReport s = only(report);
        assertThat(report.run().model()).isEqualTo(SimConfig.DEFAULT_MODEL);
        assertThat(s.ok()).isEqualTo(9);
        assertThat(s.outputTokens()).isEqualTo(9 * 12);
        assertThat(s.promptTokens()).as("completions prompts are exact").isEqualTo(9 * 30);
        assertThat(s.itl().count()).isZero();
    }

    @Test
    void loraMixNamesTheAdapters() throws Exception {
        String url = start(SimConfig.defaults().withEndpoints(0, 1).withModel(SimConfig.DEFAULT_MODEL, List.of("lora-a", "lora-b")));
        LoraMixSpec spec = new LoraMixSpec(ModelWeight.parseMix("lora-a:3,lora-b:1"), TokenRange.of(20), TokenRange.of(4));
        StageReport s = only(Bench.run(config(url).workload(spec).concurrency(2).requests(12).build(), null, null));
        assertThat(s.ok()).isEqualTo(12);
    }

    @Test
    void jsonReportOnOut() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream progress = new ByteArrayOutputStream();
        BenchConfig c = config(start()).json(true).rates(100).requests(10).build();
        Bench.run(c, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(progress, true, StandardCharsets.UTF_8));
        JsonNode root = new ObjectMapper().readTree(out.toString(StandardCharsets.UTF_8));
        assertThat(root.path("run").path("model").asText()).isEqualTo(SimConfig.DEFAULT_MODEL);
        assertThat(root.path("stages").size()).isEqualTo(1);
        assertThat(root.path("overall").path("ok").asLong()).isEqualTo(10);
        assertThat(root.path("overall").path("ttft_ms").path("p50").isNumber()).isTrue();
        assertThat(root.path("overall").path("prefix_cache_hit_rate").isNumber() || root.path("overall").path("prefix_cache_hit_rate").isNull()).isTrue();
        assertThat(progress.toString(StandardCharsets.UTF_8)).contains("stage 1/1 rate 100/s").contains("done 10/10");
    }

    @Test
    void tableReportOnOut() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Bench.run(config(start()).concurrency(2).requests(4).build(), new PrintStream(out, true, StandardCharsets.UTF_8), null);
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("concurrency 2", "TTFT p50 (ms)", "requests ok");
    }

    @Test
    void noModelAndNoModelListFailsClearly() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        BenchConfig c = BenchConfig.builder().url("http://127.0.0.1:" + port).requests(1).build();
        assertThatThrownBy(() -> Bench.run(c, null, null)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no --model given");
    }
}
