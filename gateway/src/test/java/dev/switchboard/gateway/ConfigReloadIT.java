package dev.switchboard.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.core.config.ConfigLoader;
import dev.switchboard.core.config.ConfigWatcher;
import dev.switchboard.gateway.server.GatewayServer;
import dev.switchboard.sim.SimConfig;
import dev.switchboard.sim.engine.EngineConfig;
import dev.switchboard.sim.server.SimServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Hot reload: valid changes apply under traffic without a failed request; invalid ones are rejected whole. */
class ConfigReloadIT {

    static String config(String backendName, int port) {
        return TestConfigs.of(TestConfigs.gateway(""),
                TestConfigs.route("  - backendRefs: [{name: %s, modelNameOverride: %s}]".formatted(backendName,
                        SimConfig.DEFAULT_MODEL)), TestConfigs.backend(backendName, port));
    }

    @Test
    void aValidChangeAppliesUnderTrafficWithoutAFailedRequestAndAnInvalidOneIsRejected(@TempDir Path dir) throws Exception {
        try (SimServer sims = SimServer.start(SimConfig.defaults().withEndpoints(0, 2)
                .withEngine(EngineConfig.defaults().withTimeScale(0)))) {
            int first = sims.addresses().get(0).getPort();
            int second = sims.addresses().get(1).getPort();
            Path file = dir.resolve("gateway.yaml");
            Files.writeString(file, config("old", first));
            try (GatewayServer gw = GatewayServer.start(ConfigLoader.load(file), 1);
                    ConfigWatcher watcher = new ConfigWatcher(file, gw::reload)) {
                HttpClient http = HttpClient.newHttpClient();
                HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gw.port() + "/v1/chat/completions"))
                        .POST(HttpRequest.BodyPublishers.ofString(
                                "{\"model\":\"any\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"max_tokens\":2}"))
                        .timeout(Duration.ofSeconds(10)).build();
                List<Integer> statuses = new CopyOnWriteArrayList<>();
                ConcurrentHashMap<String, Integer> backends = new ConcurrentHashMap<>();
                AtomicBoolean stop = new AtomicBoolean();
                Thread traffic = Thread.ofPlatform().start(() -> {
                    while (!stop.get()) {
                        try {
                            HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString());
                            statuses.add(r.statusCode());
                            backends.merge(r.headers().firstValue("x-switchboard-backend").orElse("?"), 1, Integer::sum);
                        } catch (Exception e) {
                            statuses.add(-1);
                        }
                    }
                });
                await().atMost(Duration.ofSeconds(10)).until(() -> backends.containsKey("old"));
                Files.writeString(file, config("new", second));
                await().atMost(Duration.ofSeconds(10)).until(() -> backends.containsKey("new"));

                Files.writeString(file, config("broken", second).replace("port: 0}", "port: nope}"));
                Thread.sleep(1000); // long enough for the watcher to have read (and rejected) it
                int before = backends.get("new");
                await().atMost(Duration.ofSeconds(10)).until(() -> backends.get("new") > before + 20);
                stop.set(true);
                traffic.join();

                assertThat(statuses).isNotEmpty().allMatch(s -> s == 200);
                assertThat(backends).doesNotContainKey("broken");
            }
        }
    }
}
