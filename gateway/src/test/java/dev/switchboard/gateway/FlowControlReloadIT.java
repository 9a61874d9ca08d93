package dev.switchboard.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.core.config.ConfigLoader;
import dev.switchboard.picker.pool.InferencePool;
import dev.switchboard.core.config.ConfigWatcher;
import dev.switchboard.gateway.server.GatewayServer;
import dev.switchboard.gateway.server.RuntimeConfig;
import dev.switchboard.picker.scheduling.EndpointState;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hot reload of a file while requests wait in a flow-controlled pool's queue: a pool the new configuration keeps
 * keeps its waiting requests (nothing is released onto the saturated pool), and a pool it removes turns them away.
 */
class FlowControlReloadIT {
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    static final int WAITING = 4;

    /**
     * A gateway whose rule for model {@code queued} goes to the flow-controlled pool {@code q} (or, without the pool,
     * to a plain backend on port 9, which nothing serves).
     */
    static String config(int port, boolean withPool, String requestTimeout, String ttl) {
        String pool = """
                ---
                apiVersion: inference.networking.k8s.io/v1
                kind: InferencePool
                metadata: {name: q}
                spec:
                  selector: {matchLabels: {app: q}}
                  targetPorts: [{number: 8000}]
                  endpointPickerRef: {kind: EndpointPickerConfig, name: flow}
                ---
                apiVersion: switchboard.dev/v1alpha1
                kind: Endpoints
                metadata: {name: members}
                spec: {endpoints: [{address: 127.0.0.1, port: %d, labels: {app: q}}]}
                ---
                apiVersion: llm-d.ai/v1alpha1
                kind: EndpointPickerConfig
                metadata: {name: flow}
                featureGates: [flowControl]
                plugins: [{type: queue-scorer}, {type: max-score-picker}]
                schedulingProfiles: [{name: default, plugins: [{pluginRef: queue-scorer}, {pluginRef: max-score-picker}]}]
                flowControl: {defaultRequestTTL: %s}
                """.formatted(port, ttl);
        return TestConfigs.of(TestConfigs.gateway(""), TestConfigs.route("""
                  - matches: [{headers: [{name: x-ai-eg-model, value: queued}]}]
                    backendRefs: [{name: %s}]
                    timeouts: {request: %s}
                """.formatted(withPool ? "q, kind: InferencePool" : "elsewhere", requestTimeout)),
                TestConfigs.backend("elsewhere", 9)) + (withPool ? pool : "");
    }

    static CompletableFuture<HttpResponse<String>> chat(GatewayServer gw) {
        return HTTP.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gw.port() + "/v1/chat/completions"))
                .timeout(Duration.ofSeconds(30)).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(
                        "{\"model\":\"queued\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"max_tokens\":2}"))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    static InferencePool admission(GatewayServer gw) {
        return gw.context().config().pools().get("q");
    }

    static void awaitSaturated(GatewayServer gw, boolean saturated) {
        await().atMost(Duration.ofSeconds(10)).until(() -> gw.context().config().pools().get("q").states().stream()
                .allMatch(EndpointState::fresh) && (admission(gw).saturation() >= 1.0) == saturated);
    }

    /** Saturates the pool and queues {@link #WAITING} requests in it. */
    static List<CompletableFuture<HttpResponse<String>>> queue(GatewayServer gw, FakeModelServer server) {
        server.load(0, 6, 0.9); // KV 0.9 of 0.8: saturated
        awaitSaturated(gw, true);
        List<CompletableFuture<HttpResponse<String>>> waiting = new ArrayList<>();
        for (int i = 0; i < WAITING; i++) {
            waiting.add(chat(gw));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> admission(gw).queued() == WAITING);
        return waiting;
    }

    /** Writes {@code yaml} and waits until the gateway serves a configuration built from it. */
    static void reload(GatewayServer gw, Path file, String yaml) throws Exception {
        RuntimeConfig before = gw.context().config();
        Files.writeString(file, yaml);
        await().atMost(Duration.ofSeconds(10)).until(() -> gw.context().config() != before);
    }

    /** Every request still waits in the gateway's queue, and none reached the model server. */
    static void stillWaiting(GatewayServer gw, FakeModelServer server) {
        assertThat(server.completions.get()).as("requests that reached the saturated model server").isZero();
        assertThat(admission(gw).queued()).as("requests waiting in the queue").isEqualTo(WAITING);
    }

    /** The pool frees up: every waiting request is served, each once. */
    static void allServedOnceUnsaturated(FakeModelServer server, List<CompletableFuture<HttpResponse<String>>> waiting)
            throws Exception {
        server.load(0, 2, 0.3);
        for (var r : waiting) {
            assertThat(r.get().statusCode()).as(r.get().body()).isEqualTo(200);
        }
        assertThat(server.completions.get()).isEqualTo(WAITING);
    }

    /** What a test does with a gateway whose flow-controlled pool holds queued requests. */
    interface QueuedTest {
        void run(GatewayServer gw, FakeModelServer server, Path file, List<CompletableFuture<HttpResponse<String>>> waiting)
                throws Exception;
    }

    /** A saturated pool with {@link #WAITING} requests queued, its config file watched, then {@code test}. */
    static void withQueued(Path dir, QueuedTest test) throws Exception {
        try (FakeModelServer server = FakeModelServer.start()) {
            Path file = dir.resolve("gateway.yaml");
            Files.writeString(file, config(server.port(), true, "30s", "20s"));
            try (GatewayServer gw = GatewayServer.start(ConfigLoader.load(file), 2);
                    ConfigWatcher watcher = new ConfigWatcher(file, gw::reload)) {
                test.run(gw, server, file, queue(gw, server));
            }
        }
    }

    @Test
    void anUnrelatedChangeKeepsTheQueueAndReleasesNothingOntoTheSaturatedPool(@TempDir Path dir) throws Exception {
        withQueued(dir, (gw, server, file, waiting) -> {
            reload(gw, file, config(server.port(), true, "31s", "20s"));
            await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5))
                    .untilAsserted(() -> stillWaiting(gw, server));
            assertThat(waiting).noneMatch(CompletableFuture::isDone);

            allServedOnceUnsaturated(server, waiting);
            assertThat(admission(gw).queued()).isZero();
        });
    }

    @Test
    void changedFlowControlSettingsMoveTheWaitingRequestsIntoTheNewQueue(@TempDir Path dir) throws Exception {
        withQueued(dir, (gw, server, file, waiting) -> {
            InferencePool pool = admission(gw);
            var oldPicker = pool.picker();

            reload(gw, file, config(server.port(), true, "30s", "25s")); // a new picker: the same pool, a new queue
            assertThat(admission(gw)).as("the pool lives on").isSameAs(pool);
            assertThat(pool.picker()).isNotSameAs(oldPicker);
            await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5))
                    .untilAsserted(() -> stillWaiting(gw, server));
            assertThat(pool.queued()).as("the waiting requests moved into the new queue").isEqualTo(WAITING);
            assertThat(pool.flowControl().defaultRequestTTL()).isEqualTo(Duration.ofSeconds(25));

            allServedOnceUnsaturated(server, waiting);
        });
    }

    @Test
    void removingThePoolTurnsItsWaitingRequestsAwayWithA503(@TempDir Path dir) throws Exception {
        withQueued(dir, (gw, server, file, waiting) -> {
            reload(gw, file, config(server.port(), false, "30s", "20s"));
            for (var f : waiting) {
                HttpResponse<String> r = f.get();
                assertThat(r.statusCode()).as(r.body()).isEqualTo(503);
                assertThat(r.headers().firstValue("x-gateway-request-dropped-reason")).hasValue("rejected-no-endpoints");
                assertThat(r.headers().firstValue("retry-after")).hasValue("1");
            }
            assertThat(server.completions.get()).as("nothing was released onto the removed pool").isZero();
        });
    }
}
