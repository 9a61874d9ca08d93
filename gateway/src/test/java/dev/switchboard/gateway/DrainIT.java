package dev.switchboard.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.switchboard.core.config.ConfigLoader;
import dev.switchboard.gateway.server.GatewayServer;
import dev.switchboard.sim.SimConfig;
import dev.switchboard.sim.engine.EngineConfig;
import dev.switchboard.sim.server.SimServer;
import java.net.ConnectException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** Graceful shutdown: new connections are refused, streams in flight finish. */
class DrainIT {

    @Test
    void closingLetsAStreamInFlightFinishAndRefusesNewConnections() throws Exception {
        // real time: 150 tokens at ~7 ms a step keep the stream open for about a second
        try (SimServer sims = SimServer.start(SimConfig.defaults().withEndpoints(0, 1)
                .withEngine(EngineConfig.defaults().withTimeScale(1)))) {
            GatewayServer gw = GatewayServer.start(ConfigLoader.parse(
                    ConfigReloadIT.config("sim", sims.addresses().get(0).getPort()), "drain.yaml"), 1);
            int port = gw.port();
            HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/chat/completions"))
                    .timeout(Duration.ofSeconds(20)).POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"any\",\"stream\":true,"
                            + "\"messages\":[{\"role\":\"user\",\"content\":\"go\"}],\"max_tokens\":150,\"ignore_eos\":true}")).build();
            CompletableFuture<HttpResponse<String>> inFlight = HttpClient.newHttpClient()
                    .sendAsync(req, HttpResponse.BodyHandlers.ofString());
            await().atMost(Duration.ofSeconds(10)).until(() -> gw.context().inFlight().get() == 1);

            CompletableFuture<Void> closing = CompletableFuture.runAsync(gw::close);
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                    assertThatThrownBy(() -> new Socket("127.0.0.1", port).close()).isInstanceOf(ConnectException.class));

            HttpResponse<String> r = inFlight.get();
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).endsWith("data: [DONE]\n\n");
            assertThat(r.body().split("\"content\":\"", -1).length - 1).isEqualTo(150 + 1); // role chunk has content ""
            closing.get();
        }
    }
}
