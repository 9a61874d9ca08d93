package dev.switchboard.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.core.config.ConfigLoader;
import dev.switchboard.picker.pool.InferencePool;
import dev.switchboard.gateway.server.GatewayServer;
import dev.switchboard.sim.SimConfig;
import dev.switchboard.sim.engine.EngineConfig;
import dev.switchboard.sim.server.SimServer;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** An InferencePool backend: endpoints scraped for load, picked per request by the default profile. */
class PoolIT {
    static SimServer sims;
    static int deadPort;
    static GatewayServer gateway;
    static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        sims = SimServer.start(SimConfig.defaults().withEndpoints(0, 4).withEngine(EngineConfig.defaults().withTimeScale(0)));
        try (ServerSocket s = new ServerSocket(0)) {
            deadPort = s.getLocalPort();
        }
        String members = sims.endpointsYaml("sim");
        String yaml = """
                apiVersion: switchboard.dev/v1alpha1
                kind: Gateway
                metadata: {name: gw}
                spec: {listen: {port: 0}, admin: {port: 0}}
                ---
                apiVersion: aigateway.envoyproxy.io/v1beta1
                kind: AIGatewayRoute
                metadata: {name: main}
                spec:
                  rules:
                  - matches: [{headers: [{name: x-ai-eg-model, value: %1$s}]}]
                    backendRefs: [{name: sims, kind: InferencePool, group: inference.networking.k8s.io}]
                  - matches: [{headers: [{name: x-ai-eg-model, value: with-dead}]}]
                    retry: {numRetries: 3, backoff: 1ms}
                    backendRefs: [{name: with-dead, kind: InferencePool, modelNameOverride: %1$s}]
                ---
                apiVersion: inference.networking.k8s.io/v1
                kind: InferencePool
                metadata: {name: sims}
                spec:
                  selector: {matchLabels: {app: sim}}
                  targetPorts: [{number: 8000}]
                  endpointPickerRef: {name: switchboard, port: {number: 9002}}
                ---
                apiVersion: inference.networking.k8s.io/v1
                kind: InferencePool
                metadata: {name: with-dead}
                spec:
                  selector: {matchLabels: {app: dead-or-alive}}
                  targetPorts: [{number: 8000}]
                ---
                apiVersion: switchboard.dev/v1alpha1
                kind: Endpoints
                metadata: {name: members}
                spec:
                  endpoints:
                %2$s  - {address: 127.0.0.1, port: %3$d, labels: {app: dead-or-alive}}
                  - {address: 127.0.0.1, port: %4$d, labels: {app: dead-or-alive}}
                """.formatted(SimConfig.DEFAULT_MODEL, members, deadPort, sims.addresses().get(0).getPort());
        gateway = GatewayServer.start(ConfigLoader.parse(yaml, "pool.yaml"), 1);
    }

    @AfterAll
    static void stop() {
        gateway.close();
        sims.close();
    }

    static HttpResponse<String> chat(String model, String content) throws Exception {
        String body = "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"system\",\"content\":\"" + content
                + "\"},{\"role\":\"user\",\"content\":\"q\"}],\"max_tokens\":2}";
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port() + "/v1/chat/completions"))
                .timeout(Duration.ofSeconds(10)).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void theDataLayerScrapesEveryEndpointsVllmMetrics() {
        InferencePool pool = gateway.context().config().pools().get("sims");
        assertThat(pool.states()).hasSize(4);
        await().atMost(Duration.ofSeconds(5)).until(() -> pool.states().stream().allMatch(s -> s.fresh()
                && s.metrics().kvBlocks() == 26_880 && s.metrics().blockSize() == 16));
    }

    @Test
    void aRepeatedSystemPromptSticksToOneEndpointAndDistinctOnesSpread() throws Exception {
        String system = "You are a careful assistant for a shipping company. ".repeat(40);
        Set<String> served = new HashSet<>();
        for (int i = 0; i < 15; i++) {
            HttpResponse<String> r = chat(SimConfig.DEFAULT_MODEL, system);
            assertThat(r.statusCode()).isEqualTo(200);
            served.add(r.headers().firstValue("x-inference-port").orElseThrow());
        }
        assertThat(served).as("prefix affinity").hasSize(1);

        Set<String> spread = new HashSet<>();
        for (int i = 0; i < 40; i++) {
            HttpResponse<String> r = chat(SimConfig.DEFAULT_MODEL, "Distinct system prompt number " + i + " " + "x".repeat(200));
            assertThat(r.statusCode()).isEqualTo(200);
            spread.add(r.headers().firstValue("x-inference-port").orElseThrow());
        }
        assertThat(spread).as("distinct prompts spread over the pool").hasSizeGreaterThan(1);
    }

    @Test
    void theLoadReportTheGatewayAsksForIsNotPassedOnUnlessTheClientAskedToo() throws Exception {
        HttpResponse<String> plain = chat(SimConfig.DEFAULT_MODEL, "orca");
        assertThat(plain.statusCode()).isEqualTo(200);
        assertThat(plain.headers().firstValue("endpoint-load-metrics")).isEmpty();

        HttpResponse<String> asked = HTTP.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + gateway.port() + "/v1/chat/completions"))
                .header("endpoint-load-metrics-format", "TEXT").timeout(Duration.ofSeconds(10))
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"" + SimConfig.DEFAULT_MODEL
                        + "\",\"messages\":[{\"role\":\"user\",\"content\":\"orca\"}],\"max_tokens\":2}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(asked.statusCode()).isEqualTo(200);
        assertThat(asked.headers().firstValue("endpoint-load-metrics")).hasValueSatisfying(v ->
                assertThat(v).startsWith("TEXT ").contains("named_metrics.kv_cache_usage_perc="));
    }

    @Test
    void aDeadEndpointIsSkippedThroughThePickersFallbackList() throws Exception {
        for (int i = 0; i < 10; i++) {
            HttpResponse<String> r = chat("with-dead", "prompt " + i);
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.headers().firstValue("x-inference-port")).hasValue(String.valueOf(sims.addresses().get(0).getPort()));
        }
    }
}
