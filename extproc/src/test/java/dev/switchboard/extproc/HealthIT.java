package dev.switchboard.extproc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.core.config.ConfigLoader;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** gRPC health on the ext_proc port, and the admin port's probes and metrics. */
class HealthIT {
    static ExtProcFixture f;

    @BeforeAll
    static void start() throws Exception {
        f = ExtProcFixture.start();
    }

    @AfterAll
    static void stop() throws Exception {
        f.close();
    }

    @Test
    void grpcHealthAnswersServingForTheServerTheProbesAndExtProc() {
        var health = HealthGrpc.newBlockingStub(f.envoy.channel());
        for (String service : List.of("", "liveness", "readiness", "envoy.service.ext_proc.v3.ExternalProcessor")) {
            assertThat(health.check(HealthCheckRequest.newBuilder().setService(service).build()).getStatus())
                    .as(service).isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
        }
    }

    @Test
    void aReloadedConfigurationAddsPoolsThatStreamsCanName() throws Exception {
        FakeEnvoy.Stream before = f.envoy.open("added");
        before.requestHeaders(FakeEnvoy.post("/v1/chat/completions", Map.of()), true, null);
        assertThat(before.forwarded().immediateBody()).contains("No InferencePool 'added'");

        f.server.apply(ConfigLoader.parse(f.yaml + """
                ---
                apiVersion: inference.networking.k8s.io/v1
                kind: InferencePool
                metadata: {name: added}
                spec:
                  selector: {matchLabels: {app: added}}
                  targetPorts: [{number: 8000}]
                """, "reloaded.yaml"));
        FakeEnvoy.Stream after = f.envoy.open("added");
        after.requestHeaders(FakeEnvoy.post("/v1/chat/completions", Map.of()), true, null);
        FakeEnvoy.Forwarded fw = after.forwarded();
        assertThat(fw.status()).isEqualTo(503);
        assertThat(fw.immediateHeaders()).containsEntry("x-gateway-request-dropped-reason", "rejected-no-endpoints");
    }

    @Test
    void theAdminPortAnswersHealthReadyAndMetrics() throws Exception {
        for (String path : List.of("/health", "/ready")) {
            HttpResponse<String> r = f.http.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + f.server.adminPort() + path)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(path).isEqualTo(200);
        }
        FakeEnvoy.Stream s = f.envoy.open("loaded");
        s.requestHeaders(FakeEnvoy.post("/v1/chat/completions", Map.of()), false, null);
        s.requestBody(ExtProcFixture.chat("base", "metrics"), 1000, true);
        s.forwarded();
        s.halfClose();
        s.awaitEnd();
        String page = f.metrics();
        assertThat(page).contains("switchboard_extproc_decisions_total{inference_pool=\"loaded\",outcome=\"picked\"}")
                .contains("switchboard_extproc_pick_duration_seconds_count{inference_pool=\"loaded\"}")
                .contains("switchboard_inference_pool_queue_size{inference_pool=\"loaded\"} 0.0")
                .contains("switchboard_extproc_endpoint_in_flight{endpoint=\"" + f.idle.address());
    }
}
