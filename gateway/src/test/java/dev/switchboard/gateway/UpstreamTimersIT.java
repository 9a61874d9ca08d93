package dev.switchboard.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.core.config.ConfigLoader;
import dev.switchboard.gateway.server.GatewayServer;
import dev.switchboard.sim.SimConfig;
import dev.switchboard.sim.engine.EngineConfig;
import dev.switchboard.sim.engine.EngineMetrics;
import dev.switchboard.sim.server.SimServer;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The route's timers against slow upstreams and slow clients: a timer must fire on real silence only, and never
 * make the model server generate an answer twice.
 */
class UpstreamTimersIT {
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    /** One route to the first simulator, with a fallback to the second, and the given rule fields. */
    static String config(int a, int b, String ruleFields) {
        return TestConfigs.of(TestConfigs.gateway("accessLog: false"), TestConfigs.route("""
                  - %1$s
                    retry: {numRetries: 2, backoff: 1ms}
                    backendRefs:
                    - {name: a, modelNameOverride: %2$s}
                    - {name: b, priority: 1, modelNameOverride: %2$s}
                """.formatted(ruleFields, SimConfig.DEFAULT_MODEL)),
                TestConfigs.backend("a", a), TestConfigs.backend("b", b));
    }

    static GatewayServer gateway(SimServer sims, String ruleFields) throws Exception {
        return GatewayServer.start(ConfigLoader.parse(config(sims.addresses().get(0).getPort(),
                sims.addresses().get(1).getPort(), ruleFields), "timers.yaml"), 1);
    }

    static HttpResponse<String> post(GatewayServer gw, String body, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gw.port() + "/v1/chat/completions"))
                .timeout(Duration.ofSeconds(30)).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (headers.length > 0) {
            b.headers(headers);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static long finished(EngineMetrics m) {
        return m.finishedStop.sum() + m.finishedLength.sum() + m.finishedAbort.sum();
    }

    @Test
    void aNonStreamedCompletionLongerThanTheStreamIdleTimeoutIsWaitedForAndGeneratedOnce() throws Exception {
        // real time: 150 tokens at ~7 ms a step take about a second, three times the idle timeout
        try (SimServer sims = SimServer.start(SimConfig.defaults().withEndpoints(0, 2)
                .withEngine(EngineConfig.defaults().withTimeScale(1)));
                GatewayServer gw = gateway(sims, "streamIdleTimeout: 300ms")) {
            HttpResponse<String> r = post(gw, "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],"
                    + "\"max_tokens\":150,\"ignore_eos\":true}");
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            assertThat(JSON.readTree(r.body()).path("usage").path("completion_tokens").asInt()).isEqualTo(150);
            assertThat(r.headers().firstValue("x-switchboard-backend")).hasValue("a");
            EngineMetrics a = sims.engine(0).metrics();
            EngineMetrics b = sims.engine(1).metrics();
            assertThat(a.finishedAbort.sum() + b.finishedAbort.sum()).as("generations abandoned").isZero();
            assertThat(finished(a) + finished(b)).as("generations").isEqualTo(1);
        }
    }

    @Test
    void aClientThatHangsUpWhileItsAnswerIsComputedStopsTheGeneration() throws Exception {
        // real time: 3,000 tokens take about 20 s; the client gives up after a moment, long before the answer
        try (SimServer sims = SimServer.start(SimConfig.defaults().withEndpoints(0, 2)
                .withEngine(EngineConfig.defaults().withTimeScale(1)));
                GatewayServer gw = gateway(sims, "streamIdleTimeout: 30s")) {
            Socket socket = new Socket("127.0.0.1", gw.port());
            write(socket, "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],"
                    + "\"max_tokens\":3000,\"ignore_eos\":true}");
            EngineMetrics a = sims.engine(0).metrics();
            await().atMost(Duration.ofSeconds(10)).until(() -> a.generationTokens.sum() > 0);
            socket.close();
            await().atMost(Duration.ofSeconds(5)).until(() -> a.finishedAbort.sum() == 1);
            assertThat(finished(sims.engine(1).metrics())).as("the fallback got nothing").isZero();
        }
    }

    @Test
    void anUpstreamSlowToStartIsNotRetriedButTheRouteTimeoutStillEndsTheRequest() throws Exception {
        // x-sim-fail: slow holds each request 2 s before the engine sees it
        try (SimServer sims = SimServer.start(SimConfig.defaults().withEndpoints(0, 2)
                .withEngine(EngineConfig.defaults().withTimeScale(0)).withFailures(0, List.of(), 2000));
                GatewayServer patient = gateway(sims, "streamIdleTimeout: 300ms")) {
            String body = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"max_tokens\":3}";
            HttpResponse<String> r = post(patient, body, "x-sim-fail", "slow");
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            assertThat(r.headers().firstValue("x-switchboard-backend")).hasValue("a");
            assertThat(finished(sims.engine(1).metrics())).as("requests the fallback got").isZero();
        }
        try (SimServer sims = SimServer.start(SimConfig.defaults().withEndpoints(0, 2)
                .withEngine(EngineConfig.defaults().withTimeScale(0)).withFailures(0, List.of(), 2000));
                GatewayServer strict = gateway(sims, "timeouts: {request: 500ms}")) {
            String body = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"max_tokens\":3}";
            HttpResponse<String> r = post(strict, body, "x-sim-fail", "slow");
            assertThat(r.statusCode()).isEqualTo(504);
            JsonNode error = JSON.readTree(r.body()).path("error");
            assertThat(error.path("message").asText()).contains("did not complete within 500 ms");
            Thread.sleep(2500); // the held request reaches the engine now, and is cancelled there: nothing else ran
            assertThat(finished(sims.engine(1).metrics())).as("requests the fallback got").isZero();
        }
    }

    @Test
    void aStreamWithPausesShorterThanTheIdleTimeoutIsNotCut() throws Exception {
        // 7 events 250 ms apart: never 400 ms of silence, though the stream lasts 1.75 s
        String script = "{\"sse\":[" + "{\"data\":{\"n\":1}},".repeat(6) + "{\"data\":\"[DONE]\"}],\"delayMs\":250}";
        try (SimServer sims = SimServer.start(SimConfig.defaults().withEndpoints(0, 2)
                .withEngine(EngineConfig.defaults().withTimeScale(0)));
                GatewayServer gw = gateway(sims, "streamIdleTimeout: 400ms")) {
            HttpResponse<String> r = post(gw, "{\"model\":\"m\",\"stream\":true,\"messages\":[]}", "x-sim-script", script);
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body().split("data: ", -1)).hasSize(8);
            assertThat(r.body()).endsWith("data: [DONE]\n\n");
        }
    }

    @Test
    void aStreamIsCutAfterTheIdleTimeoutOfRealSilence() throws Exception {
        // one event, then 1.5 s of nothing, then the rest: cut after 400 ms of silence
        String script = "{\"sse\":[{\"data\":{\"n\":1}},{\"data\":\"[DONE]\"}],\"delayMs\":1500}";
        try (SimServer sims = SimServer.start(SimConfig.defaults().withEndpoints(0, 2)
                .withEngine(EngineConfig.defaults().withTimeScale(0)));
                GatewayServer gw = gateway(sims, "streamIdleTimeout: 400ms");
                Socket socket = new Socket()) {
            socket.setSoTimeout(10_000);
            socket.connect(new InetSocketAddress("127.0.0.1", gw.port()));
            String raw = exchange(socket, "{\"model\":\"m\",\"stream\":true,\"messages\":[]}", "x-sim-script: " + script);
            assertThat(raw).startsWith("HTTP/1.1 200").contains("data: {\"n\":1}").doesNotContain("[DONE]");
        }
    }

    @Test
    void aClientThatStopsReadingForLongerThanTheIdleTimeoutStillGetsTheWholeStream() throws Exception {
        // ~8 MB of SSE, all written by the upstream at once: more than the sockets' buffers hold, so the gateway
        // stops reading it while the client does not read
        String event = "x".repeat(2000);
        String script = "{\"sse\":[{\"data\":\"" + event + "\"}],\"repeat\":4000}";
        try (SimServer sims = SimServer.start(SimConfig.defaults().withEndpoints(0, 2)
                .withEngine(EngineConfig.defaults().withTimeScale(0)));
                GatewayServer gw = gateway(sims, "streamIdleTimeout: 500ms");
                Socket socket = new Socket()) {
            socket.setReceiveBufferSize(4096);
            socket.setSoTimeout(20_000);
            socket.connect(new InetSocketAddress("127.0.0.1", gw.port()));
            write(socket, "{\"model\":\"m\",\"stream\":true,\"messages\":[]}", "x-sim-script: " + script);
            InputStream in = socket.getInputStream();
            byte[] first = in.readNBytes(1024);
            assertThat(new String(first, StandardCharsets.US_ASCII)).startsWith("HTTP/1.1 200");
            Thread.sleep(2000); // four idle timeouts without reading: the upstream is held back, not silent
            byte[] rest = in.readAllBytes();
            byte[] whole = java.util.Arrays.copyOf(first, first.length + rest.length);
            System.arraycopy(rest, 0, whole, first.length, rest.length);
            String raw = new String(whole, StandardCharsets.UTF_8);
            String text = RawHttp.dechunk(raw.substring(raw.indexOf("\r\n\r\n") + 4));
            assertThat(text).isEqualTo(("data: " + event + "\n\n").repeat(4000));
        }
    }

    /** Sends one request with {@code connection: close} and reads the whole raw response. */
    static String exchange(Socket socket, String body, String... headers) throws Exception {
        write(socket, body, headers);
        return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }

    static void write(Socket socket, String body, String... headers) throws Exception {
        StringBuilder head = new StringBuilder("POST /v1/chat/completions HTTP/1.1\r\nhost: gw\r\n"
                + "content-type: application/json\r\nconnection: close\r\n");
        for (String h : headers) {
            head.append(h).append("\r\n");
        }
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        head.append("content-length: ").append(bytes.length).append("\r\n\r\n");
        OutputStream out = socket.getOutputStream();
        out.write(head.toString().getBytes(StandardCharsets.UTF_8));
        out.write(bytes);
        out.flush();
    }
}
