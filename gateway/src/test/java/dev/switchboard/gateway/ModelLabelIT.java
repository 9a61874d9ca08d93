package dev.switchboard.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.core.config.ConfigLoader;
import dev.switchboard.gateway.server.GatewayServer;
import dev.switchboard.sim.SimConfig;
import dev.switchboard.sim.engine.EngineConfig;
import dev.switchboard.sim.server.SimServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The model label of a running gateway stays bounded under a catch-all route, across a reload. */
class ModelLabelIT {
    static final Pattern MODEL_LABEL = Pattern.compile("gen_ai_request_model=\"([^\"]*)\"");
    static final HttpClient HTTP = HttpClient.newHttpClient();

    static String config(int port, String exactModel) {
        return TestConfigs.of(TestConfigs.gateway("accessLog: false"), TestConfigs.route("""
                  - matches: [{headers: [{name: x-ai-eg-model, value: %1$s}]}]
                    backendRefs: [{name: sim, modelNameOverride: %2$s}]
                  - backendRefs: [{name: sim, modelNameOverride: %2$s}]
                """.formatted(exactModel, SimConfig.DEFAULT_MODEL)), TestConfigs.backend("sim", port));
    }

    static void chat(GatewayServer gw, String model) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + gw.port() + "/v1/chat/completions"))
                .timeout(Duration.ofSeconds(10))
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"" + model
                        + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"max_tokens\":1}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    }

    static Set<String> modelLabels(GatewayServer gw) throws Exception {
        String page = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gw.adminPort() + "/metrics"))
                .build(), HttpResponse.BodyHandlers.ofString()).body();
        Set<String> found = new TreeSet<>();
        Matcher m = MODEL_LABEL.matcher(page);
        while (m.find()) {
            found.add(m.group(1));
        }
        return found;
    }

    @Test
    void clientStringsFoldIntoOtherPastTheCapAndConfiguredModelsKeepTheirNamesAcrossAReload() throws Exception {
        try (SimServer sim = SimServer.start(SimConfig.defaults().withEndpoints(0, 1)
                .withEngine(EngineConfig.defaults().withTimeScale(0)))) {
            int port = sim.addresses().get(0).getPort();
            try (GatewayServer gw = GatewayServer.start(ConfigLoader.parse(config(port, "exact-model"), "a.yaml"), 1)) {
                for (int i = 0; i < 120; i++) {
                    chat(gw, "client-" + i);
                }
                chat(gw, "exact-model");
                chat(gw, "late-model");
                Set<String> labels = modelLabels(gw);
                assertThat(labels).hasSize(100 + 2).contains("exact-model", "other", "client-0", "client-99")
                        .doesNotContain("client-100", "client-119", "late-model");

                gw.reload(ConfigLoader.parse(config(port, "late-model"), "b.yaml"));
                chat(gw, "late-model");
                assertThat(modelLabels(gw)).contains("late-model", "exact-model").hasSize(100 + 3);
            }
        }
    }
}
