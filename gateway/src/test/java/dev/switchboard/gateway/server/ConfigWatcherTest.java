package dev.switchboard.gateway.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.core.config.ConfigWatcher;
import dev.switchboard.core.config.GatewayConfig;
import dev.switchboard.gateway.admin.GatewayMetrics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The config watcher on real files: what it applies, what it rejects, and that it keeps watching after either. */
class ConfigWatcherTest {
    static String config(int port) {
        return """
                apiVersion: aigateway.envoyproxy.io/v1beta1
                kind: AIGatewayRoute
                metadata: {name: main}
                spec: {rules: [{backendRefs: [{name: b}]}]}
                ---
                apiVersion: aigateway.envoyproxy.io/v1beta1
                kind: AIServiceBackend
                metadata: {name: b}
                spec: {schema: {name: OpenAI}, backendRef: {name: b}}
                ---
                apiVersion: gateway.envoyproxy.io/v1alpha1
                kind: Backend
                metadata: {name: b}
                spec: {endpoints: [{ip: {address: 127.0.0.1, port: %d}}]}
                """.formatted(port);
    }

    static int port(GatewayConfig c) {
        return c.backends().get(0).upstreams().get(0).port();
    }

    @Test
    void anApplyThatThrowsIsLoggedAndCountedAndALaterChangeIsStillApplied(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("gateway.yaml");
        Files.writeString(file, config(1000));
        List<Integer> applied = new CopyOnWriteArrayList<>();
        AtomicInteger calls = new AtomicInteger();
        try (ConfigWatcher watcher = new ConfigWatcher(file, c -> {
            if (calls.incrementAndGet() == 1) {
                throw new IllegalStateException("cannot build a pool (as a TLS context or a bind might fail)");
            }
            applied.add(port(c));
        })) {
            Files.writeString(file, config(1001));
            await().atMost(Duration.ofSeconds(10)).until(() -> watcher.failed() == 1);
            assertThat(applied).isEmpty();

            Files.writeString(file, config(1002));
            await().atMost(Duration.ofSeconds(10)).until(() -> applied.contains(1002));
            assertThat(watcher.failed()).isEqualTo(1);
            assertThat(watcher.rejected()).isZero();
        }
    }

    @Test
    void anInvalidChangeIsRejectedAndCountedAndTheNextValidOneApplies(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("gateway.yaml");
        Files.writeString(file, config(1000));
        List<Integer> applied = new CopyOnWriteArrayList<>();
        try (ConfigWatcher watcher = new ConfigWatcher(file, c -> applied.add(port(c)))) {
            Files.writeString(file, config(1001).replace("port: 1001", "port: nope"));
            await().atMost(Duration.ofSeconds(10)).until(() -> watcher.rejected() == 1);
            Files.writeString(file, config(1003));
            await().atMost(Duration.ofSeconds(10)).until(() -> applied.contains(1003));
            assertThat(applied).containsExactly(1003);
            assertThat(watcher.failed()).isZero();
            assertThat(watcher.applied()).isEqualTo(1);
            GatewayMetrics metrics = new GatewayMetrics();
            metrics.configReloads(watcher::applied, watcher::rejected, watcher::failed);
            assertThat(new String(metrics.scrape(), StandardCharsets.UTF_8)).contains(
                    "switchboard_config_reloads_total{result=\"applied\"} 1.0",
                    "switchboard_config_reloads_total{result=\"rejected\"} 1.0",
                    "switchboard_config_reloads_total{result=\"failed\"} 0.0");
        }
    }
}
