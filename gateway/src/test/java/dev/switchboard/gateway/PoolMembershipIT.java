package dev.switchboard.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.core.config.ConfigLoader;
import dev.switchboard.picker.pool.InferencePool;
import dev.switchboard.gateway.server.GatewayServer;
import dev.switchboard.sim.SimConfig;
import dev.switchboard.sim.engine.EngineConfig;
import dev.switchboard.sim.server.SimServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Pool members that come and go while requests flow, and model servers whose metrics cannot be trusted. */
class PoolMembershipIT {
    static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path dir;

    static String gatewayYaml(String pool, String endpointsDoc) {
        return """
                apiVersion: switchboard.dev/v1alpha1
                kind: Gateway
                metadata: {name: gw}
                spec: {listen: {port: 0}, admin: {port: 0}, accessLog: false}
                ---
                apiVersion: aigateway.envoyproxy.io/v1beta1
                kind: AIGatewayRoute
                metadata: {name: main}
                spec:
                  rules:
                  - retry: {numRetries: 3, backoff: 1ms}
                    backendRefs: [{name: pool, kind: InferencePool, group: inference.networking.k8s.io}]
                ---
                apiVersion: inference.networking.k8s.io/v1
                kind: InferencePool
                metadata: {name: pool}
                spec:
                  selector: {matchLabels: {app: sim}}
                  targetPorts: [{number: 8000}]
                %s---
                %s""".formatted(pool, endpointsDoc);
    }

    static String entries(List<Integer> ports) {
        StringBuilder y = new StringBuilder("endpoints:\n");
        for (int p : ports) {
            y.append("- {address: 127.0.0.1, port: ").append(p).append(", labels: {app: sim}}\n");
        }
        y.append("- {address: 127.0.0.1, port: 1, labels: {app: other}}\n"); // not selected
        return y.toString();
    }

    static HttpResponse<String> chat(GatewayServer gw, String content) throws Exception {
        String body = "{\"model\":\"" + SimConfig.DEFAULT_MODEL + "\",\"messages\":[{\"role\":\"user\",\"content\":\""
                + content + "\"}],\"max_tokens\":2}";
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gw.port() + "/v1/chat/completions"))
                .timeout(Duration.ofSeconds(10)).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    static void write(Path file, String text) throws Exception {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, text);
        Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    @Test
    void endpointsJoinAndLeaveThroughTheWatchedFileWithoutAFailedRequest() throws Exception {
        SimConfig simConfig = SimConfig.defaults().withEngine(EngineConfig.defaults().withTimeScale(0));
        SimServer sims = SimServer.start(simConfig.withEndpoints(0, 2));
        SimServer dying = SimServer.start(simConfig.withEndpoints(0, 1));
        int a = sims.addresses().get(0).getPort();
        int b = dying.addresses().get(0).getPort();
        int c = sims.addresses().get(1).getPort();
        Path file = dir.resolve("endpoints.yaml");
        write(file, entries(List.of(a)));
        String yaml = gatewayYaml("", """
                apiVersion: switchboard.dev/v1alpha1
                kind: Endpoints
                metadata: {name: from-file}
                spec: {file: endpoints.yaml}
                """);
        Files.writeString(dir.resolve("gw.yaml"), yaml);
        try (GatewayServer gw = GatewayServer.start(ConfigLoader.load(dir.resolve("gw.yaml")), 2)) {
            InferencePool pool = gw.context().config().pools().get("pool");
            assertThat(pool.states()).extracting(s -> s.endpoint().port()).containsExactly(a);

            Map<String, AtomicLong> servedBy = new ConcurrentHashMap<>();
            List<String> failures = new CopyOnWriteArrayList<>();
            AtomicBoolean running = new AtomicBoolean(true);
            CountDownLatch stopped = new CountDownLatch(3);
            for (int t = 0; t < 3; t++) {
                int client = t;
                Thread.ofPlatform().daemon().start(() -> {
                    for (int i = 0; running.get(); i++) {
                        try {
                            HttpResponse<String> r = chat(gw, "client " + client + " request " + i);
                            if (r.statusCode() == 200) {
                                servedBy.computeIfAbsent(r.headers().firstValue("x-inference-port").orElse("?"),
                                        k -> new AtomicLong()).incrementAndGet();
                            } else {
                                failures.add(r.statusCode() + " " + r.body());
                            }
                        } catch (Exception e) {
                            failures.add(e.toString());
                        }
                    }
                    stopped.countDown();
                });
            }
            await().atMost(Duration.ofSeconds(5)).until(() -> servedBy.containsKey(String.valueOf(a)));

            write(file, entries(List.of(a, b, c))); // two join
            await().atMost(Duration.ofSeconds(10)).until(() -> servedBy.containsKey(String.valueOf(b))
                    && servedBy.containsKey(String.valueOf(c)));

            write(file, entries(List.of(b, c))); // one leaves
            await().atMost(Duration.ofSeconds(10)).until(() -> pool.states().size() == 2);
            long servedByA = servedBy.get(String.valueOf(a)).get();

            dying.close(); // b stays in the file but its server dies: the attempt loop moves on
            long servedByC = servedBy.get(String.valueOf(c)).get();
            await().atMost(Duration.ofSeconds(10)).until(() -> servedBy.get(String.valueOf(c)).get() > servedByC + 20);
            running.set(false);
            assertThat(stopped.await(20, TimeUnit.SECONDS)).isTrue();

            assertThat(failures).as("failed requests").isEmpty();
            assertThat(servedBy.get(String.valueOf(a)).get()).as("requests to the endpoint that left")
                    .isLessThanOrEqualTo(servedByA + 3); // at most the ones already picked when it left
            assertThat(pool.states()).extracting(s -> s.endpoint().port()).containsExactlyInAnyOrder(b, c);
        } finally {
            sims.close();
            dying.close();
        }
    }

    @Test
    void anEndpointWhoseMetricsHangOrAreGarbageCountsAsUnknownLoadAndStillServes() throws Exception {
        try (FakeModelServer hanging = FakeModelServer.start(); FakeModelServer garbage = FakeModelServer.start()) {
            hanging.metricsHang = true;
            garbage.metricsPage = "<html>502 Bad Gateway</html>\n\u0000\u0001 not prometheus {{{";
            String yaml = gatewayYaml("", """
                    apiVersion: switchboard.dev/v1alpha1
                    kind: Endpoints
                    metadata: {name: fakes}
                    spec:
                      endpoints:
                      - {address: 127.0.0.1, port: %d, labels: {app: sim}}
                      - {address: 127.0.0.1, port: %d, labels: {app: sim}}
                    """.formatted(hanging.port(), garbage.port()));
            try (GatewayServer gw = GatewayServer.start(ConfigLoader.parse(yaml, "gw.yaml"), 1)) {
                InferencePool pool = gw.context().config().pools().get("pool");
                Thread.sleep(1500); // many scrape intervals
                assertThat(pool.states()).allSatisfy(s -> {
                    assertThat(s.fresh()).as("fresh metrics for " + s.endpoint().address()).isFalse();
                    assertThat(s.waiting()).isEqualTo(-1);
                });
                assertThat(hanging.metricsRequests.get()).as("scrapes of the hanging endpoint give up and retry, not pile up")
                        .isBetween(1, 6);
                for (int i = 0; i < 10; i++) {
                    assertThat(chat(gw, "hello " + i).statusCode()).isEqualTo(200);
                }
            }
        }
    }

    @Test
    void aSlowMetricsPageIsScrapedOverOneKeptAliveConnectionAndStaysFresh() throws Exception {
        try (FakeModelServer slow = FakeModelServer.start()) {
            slow.metricsDelayMillis = 30; // under the scrape interval (50 ms) and far under the scrape timeout
            String yaml = gatewayYaml("", """
                    apiVersion: switchboard.dev/v1alpha1
                    kind: Endpoints
                    metadata: {name: fakes}
                    spec:
                      endpoints:
                      - {address: 127.0.0.1, port: %d, labels: {app: sim}}
                    """.formatted(slow.port()));
            try (GatewayServer gw = GatewayServer.start(ConfigLoader.parse(yaml, "gw.yaml"), 1)) {
                InferencePool pool = gw.context().config().pools().get("pool");
                await().atMost(Duration.ofSeconds(5)).until(() -> pool.states().get(0).fresh());
                int samples = 0;
                int stale = 0;
                for (long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(2); System.nanoTime() < end; samples++) {
                    stale += pool.states().get(0).fresh() ? 0 : 1;
                    Thread.sleep(20);
                }
                assertThat(slow.metricsRequests.get()).as("scrapes in 2 s").isGreaterThan(5);
                assertThat(slow.metricsConnections).as("connections the scrapes used").hasSizeLessThanOrEqualTo(2);
                // a loaded machine may delay a scrape now and then; timeouts closing live scrapes left half stale
                assertThat(stale).as("samples of " + samples + " that saw the endpoint's metrics stale")
                        .isLessThanOrEqualTo(samples / 4);
            }
        }
    }
}
