package dev.switchboard.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.core.config.ConfigLoader;
import dev.switchboard.gateway.server.GatewayServer;
import dev.switchboard.sim.SimConfig;
import dev.switchboard.sim.engine.EngineConfig;
import dev.switchboard.sim.server.SimServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** TLS towards upstreams: a CA file or insecureSkipVerify, hostname checks, and HTTP/2 when the upstream picks it. */
class UpstreamTlsIT {

    /** A front gateway whose only backend is the HTTPS gateway at {@code port}, with the given Backend tls block. */
    static String front(int port, String tls) {
        return """
                apiVersion: switchboard.dev/v1alpha1
                kind: Gateway
                metadata: {name: front}
                spec: {listen: {port: 0}, admin: {port: 0}}
                ---
                apiVersion: aigateway.envoyproxy.io/v1beta1
                kind: AIGatewayRoute
                metadata: {name: main}
                spec: {rules: [{backendRefs: [{name: inner}], retry: {numRetries: 0}}]}
                ---
                apiVersion: aigateway.envoyproxy.io/v1beta1
                kind: AIServiceBackend
                metadata: {name: inner}
                spec: {schema: {name: OpenAI}, backendRef: {name: inner}}
                ---
                apiVersion: gateway.envoyproxy.io/v1alpha1
                kind: Backend
                metadata: {name: inner}
                spec: {endpoints: [{ip: {address: 127.0.0.1, port: %d}}], tls: %s}
                """.formatted(port, tls);
    }

    static HttpResponse<String> post(GatewayServer gw, boolean stream) throws Exception {
        HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gw.port() + "/v1/chat/completions"))
                .timeout(Duration.ofSeconds(20)).version(HttpClient.Version.HTTP_1_1)
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"any\",\"stream\":" + stream
                        + ",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"max_tokens\":3,\"ignore_eos\":true}"))
                .build();
        return HttpClient.newHttpClient().send(req, HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void anHttpsUpstreamIsVerifiedAndSpokenToOverHttp2(@TempDir Path dir) throws Exception {
        TestCertificates.Pair pair = TestCertificates.selfSigned(dir);
        try (SimServer sims = SimServer.start(SimConfig.defaults().withEndpoints(0, 1)
                .withEngine(EngineConfig.defaults().withTimeScale(0)))) {
            String innerYaml = ConfigReloadIT.config("sim", sims.addresses().get(0).getPort()).replace(
                    "spec: {listen: {port: 0}, admin: {port: 0}}", "spec: {listen: {port: 0}, admin: {port: 0}, tls: {certFile: "
                            + pair.cert() + ", keyFile: " + pair.key() + "}}");
            try (GatewayServer inner = GatewayServer.start(ConfigLoader.parse(innerYaml, "inner.yaml"), 1);
                    GatewayServer trusting = GatewayServer.start(ConfigLoader.parse(
                            front(inner.port(), "{caFile: " + pair.cert() + "}"), "front.yaml"), 1);
                    GatewayServer insecure = GatewayServer.start(ConfigLoader.parse(
                            front(inner.port(), "{insecureSkipVerify: true}"), "insecure.yaml"), 1);
                    GatewayServer system = GatewayServer.start(ConfigLoader.parse(front(inner.port(), "{}"), "system.yaml"), 1)) {

                List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
                for (int i = 0; i < 20; i++) {
                    boolean stream = i % 2 == 0;
                    calls.add(CompletableFuture.supplyAsync(() -> {
                        try {
                            return post(trusting, stream);
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                    }));
                }
                for (int i = 0; i < calls.size(); i++) {
                    HttpResponse<String> r = calls.get(i).get();
                    assertThat(r.statusCode()).isEqualTo(200);
                    assertThat(r.body()).contains(i % 2 == 0 ? "data: [DONE]" : "\"completion_tokens\":3");
                }
                // every request went to the inner gateway as a stream of one HTTP/2 connection
                assertThat(inner.openClientConnections()).isEqualTo(1);

                assertThat(post(insecure, false).statusCode()).isEqualTo(200);

                HttpResponse<String> untrusted = post(system, false);
                assertThat(untrusted.statusCode()).isEqualTo(502);
                assertThat(new ObjectMapper().readTree(untrusted.body()).path("error").path("message").asText())
                        .contains("backend 'inner'", "cannot connect");
            }
        }
    }
}
