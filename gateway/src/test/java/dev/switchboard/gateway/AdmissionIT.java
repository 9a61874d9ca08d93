package dev.switchboard.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.core.config.ConfigLoader;
import dev.switchboard.picker.pool.InferencePool;
import dev.switchboard.gateway.server.GatewayServer;
import dev.switchboard.picker.scheduling.EndpointState;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Admission to InferencePools over real sockets: objectives' priorities, legacy shedding of sheddable requests
 * while a pool is saturated, and flow control queues. Each pool's model server is a {@link FakeModelServer}
 * whose reported load the test sets; each test uses its own pools.
 */
class AdmissionIT {
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    static FakeModelServer legacy, stale, busy, spare, queued, ttl, tiny, dropped, fenced;
    static GatewayServer gateway;

    @BeforeAll
    static void start() throws Exception {
        legacy = FakeModelServer.start();
        stale = FakeModelServer.start();
        busy = FakeModelServer.start();
        spare = FakeModelServer.start();
        queued = FakeModelServer.start();
        ttl = FakeModelServer.start();
        tiny = FakeModelServer.start();
        dropped = FakeModelServer.start();
        fenced = FakeModelServer.start();
        stale.metricsUp = false;
        StringBuilder rules = new StringBuilder();
        StringBuilder pools = new StringBuilder();
        StringBuilder members = new StringBuilder();
        addPool("legacy", legacy, null, rules, pools, members);
        addPool("stale", stale, null, rules, pools, members);
        addPool("queued", queued, "flow", rules, pools, members);
        addPool("ttl", ttl, "short-ttl", rules, pools, members);
        addPool("tiny", tiny, "one-slot", rules, pools, members);
        addPool("dropped", dropped, "flow", rules, pools, members);
        addPool("fenced", fenced, "h100-only", rules, pools, members);
        addPool("empty", null, null, rules, pools, members);
        addPool("empty-fc", null, "flow", rules, pools, members);
        addPool("busy", busy, null, new StringBuilder(), pools, members);
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
                %s  - matches: [{headers: [{name: x-ai-eg-model, value: with-fallback}]}]
                    backendRefs: [{name: busy, kind: InferencePool}, {name: spare, priority: 1}]
                ---
                apiVersion: aigateway.envoyproxy.io/v1beta1
                kind: AIServiceBackend
                metadata: {name: spare}
                spec: {schema: {name: OpenAI}, backendRef: {name: spare}}
                ---
                apiVersion: gateway.envoyproxy.io/v1alpha1
                kind: Backend
                metadata: {name: spare}
                spec: {endpoints: [{ip: {address: 127.0.0.1, port: %d}}]}
                %s---
                apiVersion: switchboard.dev/v1alpha1
                kind: Endpoints
                metadata: {name: members}
                spec:
                  endpoints:
                %s---
                apiVersion: inference.networking.x-k8s.io/v1alpha2
                kind: InferenceObjective
                metadata: {name: batch}
                spec: {priority: -1, poolRef: {name: legacy}}
                ---
                apiVersion: llm-d.ai/v1alpha2
                kind: InferenceObjective
                metadata: {name: chat}
                spec: {priority: 5, poolRef: {name: legacy}}
                ---
                apiVersion: llm-d.ai/v1alpha2
                kind: InferenceObjective
                metadata: {name: plain}
                spec: {poolRef: {name: legacy}}
                ---
                apiVersion: llm-d.ai/v1alpha2
                kind: InferenceObjective
                metadata: {name: batch-stale}
                spec: {priority: -1, poolRef: {name: stale}}
                ---
                apiVersion: llm-d.ai/v1alpha2
                kind: InferenceObjective
                metadata: {name: batch-busy}
                spec: {priority: -1, poolRef: {name: busy}}
                ---
                apiVersion: llm-d.ai/v1alpha2
                kind: InferenceObjective
                metadata: {name: batch-queued}
                spec: {priority: -3, poolRef: {name: queued}}
                ---
                apiVersion: llm-d.ai/v1alpha1
                kind: EndpointPickerConfig
                metadata: {name: flow}
                featureGates: [flowControl]
                plugins: [{type: queue-scorer}, {type: max-score-picker}]
                schedulingProfiles: [{name: default, plugins: [{pluginRef: queue-scorer}, {pluginRef: max-score-picker}]}]
                flowControl: {defaultRequestTTL: 10s}
                ---
                apiVersion: llm-d.ai/v1alpha1
                kind: EndpointPickerConfig
                metadata: {name: short-ttl}
                featureGates: [flowControl]
                plugins: [{type: queue-scorer}]
                schedulingProfiles: [{name: default, plugins: [{pluginRef: queue-scorer}]}]
                flowControl: {defaultRequestTTL: 300ms}
                ---
                apiVersion: llm-d.ai/v1alpha1
                kind: EndpointPickerConfig
                metadata: {name: one-slot}
                featureGates: [flowControl]
                plugins: [{type: queue-scorer}]
                schedulingProfiles: [{name: default, plugins: [{pluginRef: queue-scorer}]}]
                flowControl: {defaultRequestTTL: 10s, maxRequests: 1}
                ---
                apiVersion: llm-d.ai/v1alpha1
                kind: EndpointPickerConfig
                metadata: {name: h100-only}
                plugins:
                - {type: label-selector-filter, parameters: {matchLabels: {hardware: H100}}}
                - {type: queue-scorer}
                schedulingProfiles: [{name: default, plugins: [{pluginRef: label-selector-filter}, {pluginRef: queue-scorer}]}]
                """.formatted(rules, spare.port(), pools, members);
        gateway = GatewayServer.start(ConfigLoader.parse(yaml, "admission.yaml"), 2);
    }

    static void addPool(String name, FakeModelServer server, String picker, StringBuilder rules, StringBuilder pools,
            StringBuilder members) {
        rules.append("  - matches: [{headers: [{name: x-ai-eg-model, value: ").append(name).append("}]}]\n")
                .append("    backendRefs: [{name: ").append(name).append(", kind: InferencePool}]\n");
        pools.append("""
                ---
                apiVersion: inference.networking.k8s.io/v1
                kind: InferencePool
                metadata: {name: %s}
                spec:
                  selector: {matchLabels: {app: %s}}
                  targetPorts: [{number: 8000}]
                %s""".formatted(name, name,
                picker == null ? "" : "  endpointPickerRef: {kind: EndpointPickerConfig, name: " + picker + "}\n"));
        if (server != null) {
            members.append("  - {address: 127.0.0.1, port: ").append(server.port()).append(", labels: {app: ")
                    .append(name).append("}}\n");
        }
    }

    @AfterAll
    static void stop() {
        gateway.close();
        for (FakeModelServer s : new FakeModelServer[] {legacy, stale, busy, spare, queued, ttl, tiny, dropped, fenced}) {
            s.close();
        }
    }

    static HttpRequest chatRequest(String model, String objective) {
        var b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port() + "/v1/chat/completions"))
                .timeout(Duration.ofSeconds(20)).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body(model)));
        if (objective != null) {
            b.header("x-gateway-inference-objective", objective);
        }
        return b.build();
    }

    static String body(String model) {
        return "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"max_tokens\":2}";
    }

    static HttpResponse<String> chat(String model, String objective) throws Exception {
        return HTTP.send(chatRequest(model, objective), HttpResponse.BodyHandlers.ofString());
    }

    static CompletableFuture<HttpResponse<String>> chatAsync(String model, String objective) {
        return HTTP.sendAsync(chatRequest(model, objective), HttpResponse.BodyHandlers.ofString());
    }

    static InferencePool admission(String pool) {
        return gateway.context().config().pools().get(pool);
    }

    /** Waits until the gateway has fresh metrics for the pool and sees it saturated, or not. */
    static void awaitSaturated(String pool, boolean saturated) {
        await().atMost(Duration.ofSeconds(5)).until(() -> gateway.context().config().pools().get(pool).states().stream()
                .allMatch(EndpointState::fresh) && (admission(pool).saturation() >= 1.0) == saturated);
    }

    static JsonNode error(HttpResponse<String> r) throws Exception {
        JsonNode e = JSON.readTree(r.body()).get("error");
        assertThat(e).as(r.body()).isNotNull();
        assertThat(e.has("message") && e.has("type") && e.has("param") && e.has("code")).as(r.body()).isTrue();
        return e;
    }

    static String adminMetrics() throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.adminPort() + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    @Test
    void aSheddableRequestToASaturatedPoolGetsA429WithRetryAfterWhileOtherPrioritiesAreServed() throws Exception {
        legacy.load(10, 4, 0.3); // queue 10 of 5: saturation 2.0
        awaitSaturated("legacy", true);

        HttpResponse<String> shed = chat("legacy", "batch");
        assertThat(shed.statusCode()).isEqualTo(429);
        assertThat(shed.headers().firstValue("retry-after")).hasValue("1");
        assertThat(shed.headers().firstValue("x-gateway-request-dropped-reason")).hasValue("rejected-saturated");
        assertThat(shed.headers().firstValue("x-request-id")).isPresent();
        JsonNode e = error(shed);
        assertThat(e.get("type").asText()).isEqualTo("rate_limit_error");
        assertThat(e.get("message").asText()).contains("InferencePool 'legacy' is saturated")
                .contains("objective 'batch' has priority -1, so it is sheddable");
        assertThat(legacy.completions.get()).as("nothing reached the model server").isZero();
        assertThat(adminMetrics()).contains(
                "switchboard_inference_pool_requests_dropped_total{inference_pool=\"legacy\",reason=\"rejected-saturated\"} 1.0");

        // non-negative priorities are never shed: no objective, an unknown one, priority 0 (unset) and 5
        for (String objective : new String[] {null, "no-such-objective", "plain", "chat", "batch-stale"}) {
            HttpResponse<String> r = chat("legacy", objective);
            assertThat(r.statusCode()).as("objective %s", objective).isEqualTo(200);
        }
        assertThat(legacy.completions.get()).isEqualTo(5);

        legacy.load(1, 4, 0.3); // below saturation again: the sheddable request goes through
        awaitSaturated("legacy", false);
        assertThat(chat("legacy", "batch").statusCode()).isEqualTo(200);
    }

    @Test
    void staleMetricsCountAsSaturated() throws Exception {
        // the fake's /metrics answers 503: the gateway never has fresh metrics for this pool
        await().atMost(Duration.ofSeconds(2)).until(() -> admission("stale").saturation() >= 1.0);
        assertThat(gateway.context().config().pools().get("stale").states()).noneMatch(EndpointState::fresh);
        HttpResponse<String> shed = chat("stale", "batch-stale");
        assertThat(shed.statusCode()).isEqualTo(429);
        assertThat(shed.headers().firstValue("x-gateway-request-dropped-reason")).hasValue("rejected-saturated");
        assertThat(stale.completions.get()).isZero();
        assertThat(chat("stale", null).statusCode()).as("priority 0 is served all the same").isEqualTo(200);
    }

    @Test
    void aRuleWithAFallbackSendsASheddableRequestThereInsteadOfDroppingIt() throws Exception {
        busy.load(0, 8, 0.95); // KV 0.95 of 0.8
        awaitSaturated("busy", true);
        HttpResponse<String> r = chat("with-fallback", "batch-busy");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("x-switchboard-backend")).hasValue("spare");
        assertThat(busy.completions.get()).isZero();
        assertThat(spare.completions.get()).isEqualTo(1);
    }

    @Test
    void withFlowControlQueuedRequestsAreDispatchedOnceThePoolFreesUp() throws Exception {
        queued.load(0, 6, 0.85);
        awaitSaturated("queued", true);
        CompletableFuture<HttpResponse<String>> first = chatAsync("queued", null);
        CompletableFuture<HttpResponse<String>> sheddable = chatAsync("queued", "batch-queued");
        await().atMost(Duration.ofSeconds(5)).until(() -> admission("queued").queued() == 2);
        assertThat(first).isNotDone();
        assertThat(sheddable).as("with flow control a sheddable request waits instead of being shed").isNotDone();
        assertThat(queued.completions.get()).as("nothing sent upstream while queued").isZero();
        assertThat(adminMetrics()).contains("switchboard_inference_pool_queue_size{inference_pool=\"queued\"} 2.0");

        queued.load(0, 2, 0.3);
        assertThat(first.get().statusCode()).isEqualTo(200);
        assertThat(sheddable.get().statusCode()).isEqualTo(200);
        assertThat(queued.completions.get()).isEqualTo(2);
        assertThat(admission("queued").queued()).isZero();
    }

    @Test
    void withFlowControlARequestPastItsTtlGetsA429() throws Exception {
        ttl.load(7, 3, 0.1);
        awaitSaturated("ttl", true);
        long start = System.nanoTime();
        HttpResponse<String> r = chat("ttl", null);
        assertThat(r.statusCode()).isEqualTo(429);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).as("it waited its TTL first").isGreaterThan(Duration.ofMillis(250));
        assertThat(r.headers().firstValue("retry-after")).hasValue("1");
        assertThat(r.headers().firstValue("x-gateway-request-dropped-reason")).hasValue("rejected-ttl-expired");
        assertThat(error(r).get("message").asText()).contains("waited 300 ms (defaultRequestTTL) in InferencePool 'ttl'");
        assertThat(ttl.completions.get()).isZero();
        assertThat(admission("ttl").queued()).isZero();
    }

    @Test
    void withFlowControlAFullQueueRejectsAtOnce() throws Exception {
        tiny.load(9, 3, 0.1);
        awaitSaturated("tiny", true);
        CompletableFuture<HttpResponse<String>> waiting = chatAsync("tiny", null);
        await().atMost(Duration.ofSeconds(5)).until(() -> admission("tiny").queued() == 1);
        HttpResponse<String> rejected = chat("tiny", null);
        assertThat(rejected.statusCode()).isEqualTo(429);
        assertThat(rejected.headers().firstValue("x-gateway-request-dropped-reason")).hasValue("rejected-saturated");
        assertThat(error(rejected).get("message").asText()).contains("InferencePool 'tiny' is saturated and its flow"
                + " control queue is full");
        tiny.load(0, 3, 0.1);
        assertThat(waiting.get().statusCode()).isEqualTo(200);
        assertThat(tiny.completions.get()).isEqualTo(1);
    }

    @Test
    void aClientThatDisconnectsWhileQueuedLeavesTheQueueAndNothingGoesUpstream() throws Exception {
        dropped.load(5, 5, 0.5);
        awaitSaturated("dropped", true);
        byte[] body = body("dropped").getBytes(StandardCharsets.UTF_8);
        try (Socket s = new Socket("127.0.0.1", gateway.port())) {
            OutputStream out = s.getOutputStream();
            out.write(("POST /v1/chat/completions HTTP/1.1\r\nhost: gw\r\ncontent-type: application/json\r\n"
                    + "content-length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
            await().atMost(Duration.ofSeconds(5)).until(() -> admission("dropped").queued() == 1);
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> admission("dropped").queued() == 0);
        dropped.load(0, 0, 0);
        awaitSaturated("dropped", false);
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> dropped.completions.get() == 0);
    }

    @Test
    void aPoolWithoutEndpointsAnswers503() throws Exception {
        for (String pool : new String[] {"empty", "empty-fc"}) {
            HttpResponse<String> r = chat(pool, null);
            assertThat(r.statusCode()).as(pool).isEqualTo(503);
            assertThat(r.headers().firstValue("x-gateway-request-dropped-reason")).hasValue("rejected-no-endpoints");
            assertThat(r.headers().firstValue("retry-after")).hasValue("1");
            JsonNode e = error(r);
            assertThat(e.get("type").asText()).isEqualTo("service_unavailable");
            assertThat(e.get("message").asText()).isEqualTo("InferencePool '" + pool + "' has no endpoints to serve the request.");
        }
    }

    @Test
    void aPoolWhoseFiltersLeaveNoEndpointAnswers429AndSendsNothing() throws Exception {
        HttpResponse<String> r = chat("fenced", null);
        assertThat(r.statusCode()).isEqualTo(429);
        assertThat(r.headers().firstValue("x-gateway-request-dropped-reason")).hasValue("rejected-no-candidates");
        assertThat(r.headers().firstValue("retry-after")).hasValue("1");
        assertThat(error(r).get("message").asText()).isEqualTo("No endpoint of InferencePool 'fenced' can serve this"
                + " request now (no endpoint left after filter label-selector-filter); retry later.");
        assertThat(fenced.completions.get()).isZero();
    }
}
