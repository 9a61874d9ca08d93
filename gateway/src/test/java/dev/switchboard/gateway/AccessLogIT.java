package dev.switchboard.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.core.config.ConfigLoader;
import dev.switchboard.gateway.admin.AccessLogCapture;
import dev.switchboard.gateway.server.GatewayServer;
import dev.switchboard.sim.SimConfig;
import dev.switchboard.sim.engine.EngineConfig;
import dev.switchboard.sim.server.SimServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The access log of a running gateway: written off the event loops, its drops exported, flushed by close. */
class AccessLogIT {
    static String config(int port) {
        return TestConfigs.of(TestConfigs.gateway(""), TestConfigs.route("  - backendRefs: [{name: sim}]"),
                TestConfigs.backend("sim", port));
    }


    @Test
    void everyRequestGetsALineByCloseAndTheDropCounterIsExported() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        try (SimServer sim = SimServer.start(SimConfig.defaults().withEndpoints(0, 1)
                .withEngine(EngineConfig.defaults().withTimeScale(0)));
                AccessLogCapture capture = AccessLogCapture.install()) {
            String metrics;
            try (GatewayServer gw = GatewayServer.start(ConfigLoader.parse(
                    config(sim.addresses().get(0).getPort()), "test.yaml"), 1)) {
                for (int i = 0; i < 20; i++) {
                    HttpResponse<String> r = http.send(HttpRequest.newBuilder(
                                    URI.create("http://127.0.0.1:" + gw.port() + "/v1/chat/completions"))
                            .header("x-request-id", "req-" + i).timeout(Duration.ofSeconds(10))
                            .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"" + SimConfig.DEFAULT_MODEL
                                    + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"max_tokens\":2}"))
                            .build(), HttpResponse.BodyHandlers.ofString());
                    assertThat(r.statusCode()).isEqualTo(200);
                }
                metrics = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gw.adminPort() + "/metrics"))
                        .build(), HttpResponse.BodyHandlers.ofString()).body();
            }
            assertThat(metrics).contains("switchboard_access_log_dropped_total 0.0");
            assertThat(capture.lines).hasSize(20);
            JsonNode last = new ObjectMapper().readTree(capture.lines.getLast());
            assertThat(last.get("request_id").asText()).isEqualTo("req-19");
            assertThat(last.get("backend").asText()).isEqualTo("sim");
            assertThat(last.get("status").asInt()).isEqualTo(200);
            assertThat(last.get("completion_tokens").asLong()).isPositive();
        }
    }
}
