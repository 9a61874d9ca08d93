package dev.switchboard.extproc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.core.config.ConfigLoader;
import dev.switchboard.picker.pool.InferencePool;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Flow control through ext_proc: while a pool is saturated a request waits in its queue with no answer to Envoy,
 * and is picked (on its stream's loop) once the load drops; a stream that ends leaves the queue; a request that
 * waits out the pool's TTL is answered 429.
 */
class FlowControlIT {
    static MetricsEndpoint queuedEndpoint;
    static MetricsEndpoint ttlEndpoint;
    static ExtProcServer server;
    static FakeEnvoy envoy;

    @BeforeAll
    static void start() throws Exception {
        queuedEndpoint = MetricsEndpoint.start(50, 30, 0.99);
        ttlEndpoint = MetricsEndpoint.start(50, 30, 0.99);
        String yaml = """
                apiVersion: inference.networking.k8s.io/v1
                kind: InferencePool
                metadata: {name: queued}
                spec:
                  selector: {matchLabels: {app: queued}}
                  targetPorts: [{number: 8000}]
                  endpointPickerRef: {kind: EndpointPickerConfig, name: flow}
                ---
                apiVersion: inference.networking.k8s.io/v1
                kind: InferencePool
                metadata: {name: ttl}
                spec:
                  selector: {matchLabels: {app: ttl}}
                  targetPorts: [{number: 8000}]
                  endpointPickerRef: {kind: EndpointPickerConfig, name: short-ttl}
                ---
                apiVersion: llm-d.ai/v1alpha1
                kind: EndpointPickerConfig
                metadata: {name: flow}
                featureGates: [flowControl]
                plugins: [{type: queue-scorer}, {type: max-score-picker}]
                schedulingProfiles: [{name: default, plugins: [{pluginRef: queue-scorer}, {pluginRef: max-score-picker}]}]
                flowControl: {defaultRequestTTL: 30s}
                ---
                apiVersion: llm-d.ai/v1alpha1
                kind: EndpointPickerConfig
                metadata: {name: short-ttl}
                featureGates: [flowControl]
                plugins: [{type: queue-scorer}]
                schedulingProfiles: [{name: default, plugins: [{pluginRef: queue-scorer}]}]
                flowControl: {defaultRequestTTL: 300ms}
                ---
                apiVersion: switchboard.dev/v1alpha1
                kind: Endpoints
                metadata: {name: members}
                spec:
                  endpoints:
                  - {address: 127.0.0.1, port: %d, labels: {app: queued}}
                  - {address: 127.0.0.1, port: %d, labels: {app: ttl}}
                """.formatted(queuedEndpoint.port(), ttlEndpoint.port());
        server = ExtProcServer.start(ExtProcSettings.defaults(0, -1).withHost("127.0.0.1"),
                ConfigLoader.parse(yaml, "flow.yaml"));
        envoy = new FakeEnvoy(server.port());
        for (String pool : new String[] {"queued", "ttl"}) {
            InferencePool p = server.pools().get(pool);
            await().atMost(Duration.ofSeconds(10)).until(() -> p.states().stream().allMatch(s -> s.fresh()));
        }
    }

    @AfterAll
    static void stop() throws Exception {
        envoy.close();
        server.close();
        queuedEndpoint.close();
        ttlEndpoint.close();
    }

    static FakeEnvoy.Stream send(String pool, String content) {
        FakeEnvoy.Stream s = envoy.open(pool);
        s.requestHeaders(FakeEnvoy.post("/v1/chat/completions", Map.of()), false, null);
        s.requestBody(ExtProcFixture.chat("base", content), 1000, true);
        return s;
    }

    @Test
    void aRequestWaitsWhileThePoolIsSaturatedAndIsPickedWhenTheLoadDrops() throws Exception {
        InferencePool pool = server.pools().get("queued");
        FakeEnvoy.Stream waiting = send("queued", "wait");
        await().atMost(Duration.ofSeconds(5)).until(() -> pool.queued() == 1);
        waiting.assertQuiet(200); // Envoy hears nothing while the request waits

        FakeEnvoy.Stream leaving = send("queued", "leave");
        await().atMost(Duration.ofSeconds(5)).until(() -> pool.queued() == 2);
        leaving.cancel(); // the client gave up: the request leaves the queue
        await().atMost(Duration.ofSeconds(5)).until(() -> pool.queued() == 1);

        queuedEndpoint.waiting = 0;
        queuedEndpoint.running = 1;
        queuedEndpoint.kvCacheUsage = 0.1;
        FakeEnvoy.Forwarded fw = waiting.forwarded();
        assertThat(fw.destination()).isEqualTo(queuedEndpoint.address());
        assertThat(pool.queued()).isZero();
        waiting.halfClose();
        waiting.awaitEnd();
    }

    @Test
    void aRequestThatWaitsOutThePoolsTtlIsAnswered429() throws Exception {
        FakeEnvoy.Forwarded fw = send("ttl", "expire").forwarded();
        assertThat(fw.status()).isEqualTo(429);
        assertThat(fw.immediateHeaders()).containsEntry("x-gateway-request-dropped-reason", "rejected-ttl-expired")
                .containsEntry("retry-after", "1");
        assertThat(fw.immediateBody()).contains("defaultRequestTTL");
    }
}
