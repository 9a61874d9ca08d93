package dev.switchboard.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.core.config.ConfigLoader;
import dev.switchboard.gateway.server.GatewayServer;
import dev.switchboard.sim.SimConfig;
import dev.switchboard.sim.engine.EngineConfig;
import dev.switchboard.sim.server.SimServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** HTTP/1.1 pipelining: requests sent back to back on one connection get their responses in order, never mixed. */
class PipeliningIT {
    static final ObjectMapper JSON = new ObjectMapper();
    static SimServer sims;
    static GatewayServer gateway;

    @BeforeAll
    static void start() throws Exception {
        sims = SimServer.start(SimConfig.defaults().withEndpoints(0, 1).withEngine(EngineConfig.defaults().withTimeScale(0)));
        gateway = GatewayServer.start(ConfigLoader.parse(config(), "pipelining.yaml"), 1);
    }

    /** One exact-match route, so that GET /v1/models lists it. */
    static String config() {
        return ConfigReloadIT.config("sim", sims.addresses().get(0).getPort()).replace(
                "  - backendRefs:", "  - matches: [{headers: [{name: x-ai-eg-model, value: m}]}]\n    backendRefs:");
    }

    @AfterAll
    static void stop() {
        gateway.close();
        sims.close();
    }

    /** A completion the simulator holds back for {@code delayMs} before answering {@code text}. */
    static String delayed(String text, int delayMs) {
        return RawHttp.post("/v1/chat/completions", "{\"model\":\"m\",\"messages\":[]}",
                "x-sim-script: {\"firstDelayMs\":" + delayMs + ",\"body\":{\"answer\":\"" + text + "\"}}");
    }

    @Test
    void aRequestRightBehindASlowOneIsAnsweredAfterIt() throws Exception {
        try (RawHttp c = new RawHttp(gateway.port(), 10_000)) {
            c.send(delayed("first", 300) + RawHttp.get("/v1/models"));
            RawHttp.Response first = c.read();
            assertThat(first.status()).isEqualTo(200);
            assertThat(JSON.readTree(first.body()).path("answer").asText()).isEqualTo("first");
            RawHttp.Response second = c.read();
            assertThat(second.status()).isEqualTo(200);
            assertThat(JSON.readTree(second.body()).path("data").get(0).path("id").asText()).isEqualTo("m");
        }
    }

    @Test
    void manyPipelinedRequestsOfEveryKindKeepTheirOrder() throws Exception {
        try (RawHttp c = new RawHttp(gateway.port(), 10_000)) {
            c.send(delayed("a", 200) + RawHttp.post("/v1/nothing", "{}") + delayed("b", 0)
                    + RawHttp.post("/v1/chat/completions", "{\"model\":") + delayed("c", 100) + RawHttp.get("/v1/models"));
            assertThat(JSON.readTree(c.read().body()).path("answer").asText()).isEqualTo("a");
            assertThat(c.read().status()).isEqualTo(404);
            assertThat(JSON.readTree(c.read().body()).path("answer").asText()).isEqualTo("b");
            RawHttp.Response bad = c.read();
            assertThat(bad.status()).isEqualTo(400);
            assertThat(bad.body()).contains("not valid JSON");
            assertThat(JSON.readTree(c.read().body()).path("answer").asText()).isEqualTo("c");
            assertThat(c.read().status()).isEqualTo(200);
            // and the connection still serves a request sent on its own
            c.send(delayed("d", 0));
            assertThat(JSON.readTree(c.read().body()).path("answer").asText()).isEqualTo("d");
        }
    }

    @Test
    void requestsPipelinedBehindAConnectionCloseAreNotServed() throws Exception {
        try (RawHttp c = new RawHttp(gateway.port(), 10_000)) {
            c.send(delayed("last", 100).replace("host: gw\r\n", "host: gw\r\nconnection: close\r\n")
                    + RawHttp.get("/v1/models"));
            RawHttp.Response only = c.read();
            assertThat(JSON.readTree(only.body()).path("answer").asText()).isEqualTo("last");
            assertThat(only.header("connection")).isEqualTo("close");
            assertThat(c.closedByServer()).isTrue();
        }
    }
}
