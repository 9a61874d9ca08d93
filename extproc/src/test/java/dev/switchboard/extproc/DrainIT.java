package dev.switchboard.extproc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.core.config.ConfigLoader;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A stopping processor and the streams it relays: a stream is a whole request and response, so shutdown waits the
 * Gateway document's drainTimeout for open ones (a response that ends in time is relayed whole), then cuts what is
 * left rather than waiting for ever.
 */
class DrainIT {
    static String config(int port) {
        return """
                apiVersion: switchboard.dev/v1alpha1
                kind: Gateway
                metadata: {name: gw}
                spec: {drainTimeout: 1500ms}
                ---
                apiVersion: inference.networking.k8s.io/v1
                kind: InferencePool
                metadata: {name: pool}
                spec:
                  selector: {matchLabels: {app: m}}
                  targetPorts: [{number: 8000}]
                ---
                apiVersion: switchboard.dev/v1alpha1
                kind: Endpoints
                metadata: {name: members}
                spec:
                  endpoints:
                  - {address: 127.0.0.1, port: %d, labels: {app: m}}
                """.formatted(port);
    }

    /** A stream picked and in the middle of its (streamed) response. */
    static FakeEnvoy.Stream midResponse(FakeEnvoy envoy) throws Exception {
        FakeEnvoy.Stream s = envoy.open("pool");
        s.requestHeaders(FakeEnvoy.post("/v1/chat/completions", Map.of()), false, null);
        s.requestBody(ExtProcFixture.chat("m", "drain"), 1024, true);
        assertThat(s.forwarded().destination()).isNotNull();
        s.responseHeaders(Map.of(":status", "200", "content-type", "text/event-stream"), false, null);
        assertThat(s.next().hasResponseHeaders()).isTrue();
        return s;
    }

    @Test
    void shutdownLetsAnOpenStreamFinishWithinTheDrainTimeoutAndCutsOneThatOutlivesIt() throws Exception {
        try (MetricsEndpoint endpoint = MetricsEndpoint.start(0, 0, 0.1)) {
            ExtProcServer server = ExtProcServer.start(ExtProcSettings.defaults(0, -1).withHost("127.0.0.1"),
                    ConfigLoader.parse(config(endpoint.port()), "drain.yaml"));
            try (FakeEnvoy envoy = new FakeEnvoy(server.port())) {
                FakeEnvoy.Stream finishes = midResponse(envoy);
                FakeEnvoy.Stream outlives = midResponse(envoy);
                long start = System.nanoTime();
                CompletableFuture<Void> closing = CompletableFuture.runAsync(server::close);

                Thread.sleep(300); // the server is draining now
                assertThat(closing).as("still draining").isNotDone();
                byte[] rest = "data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8);
                finishes.responseBody(rest, true);
                assertThat(finishes.relayed().text()).as("relayed whole while draining").isEqualTo("data: [DONE]\n\n");
                finishes.halfClose();
                finishes.awaitEnd();
                assertThat(finishes.error).as("the finished stream ended cleanly").isNull();

                closing.get(10, TimeUnit.SECONDS); // the other never ends: the drain timeout cuts it
                long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                assertThat(tookMillis).as("waited the drain timeout, not more").isBetween(1_300L, 4_000L);
                outlives.awaitEnd();
                assertThat(outlives.error).as("the stream that outlived the drain was cut").isNotNull();
            }
        }
    }
}
