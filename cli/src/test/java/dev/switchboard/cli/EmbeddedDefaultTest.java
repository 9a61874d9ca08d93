package dev.switchboard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.core.config.ConfigLoader;
import dev.switchboard.core.config.GatewayConfig;
import dev.switchboard.core.config.Upstream;
import dev.switchboard.gateway.server.GatewayServer;
import dev.switchboard.sim.SimConfig;
import dev.switchboard.sim.server.SimServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EmbeddedDefaultTest {

    @Test
    void aChatRequestIsServedByTheSimulatedPoolThroughTheEndpointPicker() throws Exception {
        try (SimServer sims = EmbeddedDefault.startSims();
                GatewayServer gw = GatewayServer.start(ConfigLoader.parse(
                        EmbeddedDefault.yaml(sims, Map.of(), "127.0.0.1", 0, "127.0.0.1", 0), "embedded"), 1)) {
            var pool = gw.context().config().pools().get("simulated-pool");
            assertThat(pool.states()).hasSize(EmbeddedDefault.SIM_ENDPOINTS);
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + gw.port() + "/v1/chat/completions"))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"" + SimConfig.DEFAULT_MODEL
                            + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"max_tokens\":3}"))
                    .header("content-type", "application/json").timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            assertThat(r.body()).contains("\"model\":\"" + SimConfig.DEFAULT_MODEL + "\"");

            // offline, no key: an Anthropic Messages request answered by the simulated Gemini, through translation
            HttpResponse<String> m = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + gw.port() + "/v1/messages"))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"" + EmbeddedDefault.SIM_GEMINI
                            + "\",\"max_tokens\":4,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"))
                    .header("content-type", "application/json").header("anthropic-version", "2023-06-01")
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(m.statusCode()).as(m.body()).isEqualTo(200);
            assertThat(m.body()).contains("\"type\":\"message\"", "\"stop_reason\":\"max_tokens\"",
                    "\"model\":\"" + EmbeddedDefault.SIM_GEMINI + "\"");
            assertThat(m.headers().firstValue("x-switchboard-backend")).hasValue("simulated-gemini");
        }
    }

    @Test
    void hostEverywhereLeavesTheAdminPortOnLoopbackAndTheHelpSaysSo() throws Exception {
        try (SimServer sims = EmbeddedDefault.startSims();
                GatewayServer gw = GatewayServer.start(ConfigLoader.parse(
                        EmbeddedDefault.yaml(sims, Map.of(), "0.0.0.0", 0, "127.0.0.1", 0), "embedded"), 1)) {
            assertThat(gw.adminAddress().getAddress().isLoopbackAddress()).isTrue();
            new java.net.Socket("127.0.0.2", gw.port()).close(); // the API is on every address
        }
        CliRun help = CliRun.of("run", "--help");
        assertThat(help.out().replaceAll("\\s+", " ")).contains("The admin port does not follow it: see --admin-host.")
                .contains("loopback (127.0.0.1) whatever --host is")
                .contains("admin.host sets it, and it is loopback too when unset");
    }

    @Test
    void servesTheSimulatedPoolAndAddsOpenAiOnlyWhenItsKeyIsSet() throws Exception {
        try (SimServer sims = EmbeddedDefault.startSims()) {
            GatewayConfig bare = ConfigLoader.parse(EmbeddedDefault.yaml(sims, Map.of(), "127.0.0.1", 0, "127.0.0.1", 0), "embedded");
            assertThat(bare.rules()).hasSize(3);
            assertThat(bare.backends()).extracting(b -> b.schema().name().configName())
                    .containsExactly("Anthropic", "GeminiAPI");
            assertThat(bare.rules().get(0).backendRefs().get(0).pool().endpoints()).hasSize(EmbeddedDefault.SIM_ENDPOINTS);
            assertThat(bare.rules().get(0).matches().get(0).get(0).value()).isEqualTo(SimConfig.DEFAULT_MODEL);

            GatewayConfig withKey = ConfigLoader.parse(EmbeddedDefault.yaml(sims, Map.of("OPENAI_API_KEY", "sk-test-123"),
                    "127.0.0.1", 0, "127.0.0.1", 0), "embedded");
            var openai = withKey.rules().get(3);
            assertThat(openai.matches().get(0).get(0).matches("gpt-4o-mini")).isTrue();
            assertThat(openai.matches().get(0).get(0).matches(SimConfig.DEFAULT_MODEL)).isFalse();
            var backend = openai.backendRefs().get(0);
            assertThat(backend.backend().upstreams().get(0)).isEqualTo(new Upstream("api.openai.com", 443, Upstream.Tls.SYSTEM));
            assertThat(backend.backend().security().apiKey().env()).isEqualTo("OPENAI_API_KEY");
            assertThat(EmbeddedDefault.yaml(sims, Map.of("OPENAI_API_KEY", "sk-test-123"), "127.0.0.1", 0, "127.0.0.1", 0))
                    .as("the key is read by the credentials, never written into the configuration")
                    .doesNotContain("sk-test-123");
            assertThat(EmbeddedDefault.providers(Map.of("OPENAI_API_KEY", "sk-x"))).containsExactly("openai (OPENAI_API_KEY)");
            Map<String, String> all = Map.of("OPENAI_API_KEY", "a", "ANTHROPIC_API_KEY", "b", "GEMINI_API_KEY", "c",
                    "AWS_ACCESS_KEY_ID", "d", "AWS_REGION", "us-west-2");
            GatewayConfig every = ConfigLoader.parse(EmbeddedDefault.yaml(sims, all, "127.0.0.1", 0, "127.0.0.1", 0),
                    "embedded");
            assertThat(every.backends()).extracting(b -> b.schema().name().configName())
                    .containsExactly("Anthropic", "GeminiAPI", "OpenAI", "Anthropic", "GeminiAPI", "AWSBedrock");
            assertThat(every.rules().get(6).matches().get(0).get(0).matches("anthropic.claude-3-haiku-20240307-v1:0"))
                    .isTrue();
            assertThat(EmbeddedDefault.providers(all)).hasSize(4);
            assertThat(EmbeddedDefault.providers(Map.of())).isEmpty();
        }
    }
}
