package dev.switchboard.extproc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.switchboard.core.config.ConfigLoader;
import dev.switchboard.picker.pool.SharedPoolState;
import dev.switchboard.redis.share.RedisSharedState;
import dev.switchboard.redis.share.ShareUri;
import dev.switchboard.testing.RedisServerProcess;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two ext_proc replicas (endpoint pickers) sharing state through a real redis-server: a prompt picked by one is
 * sent by the other to the same endpoint, and an endpoint's in-flight streams at one count at the other.
 */
class SharedStateIT {
    RedisServerProcess redis;
    final List<MetricsEndpoint> endpoints = new ArrayList<>();
    final List<ExtProcServer> servers = new ArrayList<>();
    final List<SharedPoolState> sharing = new ArrayList<>();
    final List<FakeEnvoy> envoys = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        assumeTrue(RedisServerProcess.installed(), "redis-server is not installed (apt-get install -y redis-server)");
        redis = RedisServerProcess.start();
        StringBuilder members = new StringBuilder();
        for (int i = 0; i < 4; i++) { // four equal, idle endpoints: without sharing, nothing tells them apart
            MetricsEndpoint e = MetricsEndpoint.start(0, 0, 0.1);
            endpoints.add(e);
            members.append("  - {address: 127.0.0.1, port: ").append(e.port()).append(", labels: {app: pool}}\n");
        }
        String yaml = """
                apiVersion: inference.networking.k8s.io/v1
                kind: InferencePool
                metadata: {name: pool}
                spec:
                  selector: {matchLabels: {app: pool}}
                  targetPorts: [{number: 8000}]
                ---
                apiVersion: switchboard.dev/v1alpha1
                kind: Endpoints
                metadata: {name: members}
                spec:
                  endpoints:
                %s""".formatted(members);
        for (int i = 0; i < 2; i++) {
            SharedPoolState s = RedisSharedState.create(new ShareUri("127.0.0.1", redis.port, false, "epp"),
                    name -> null);
            sharing.add(s);
            ExtProcServer server = ExtProcServer.start(ExtProcSettings.defaults(0, -1).withHost("127.0.0.1"),
                    ConfigLoader.parse(yaml, "extproc.yaml"), s);
            servers.add(server);
            envoys.add(new FakeEnvoy(server.port()));
        }
        // a cold JVM's first Lettuce connections (class loading, event loops) take seconds on a busy 2-core machine
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> sharing.stream().allMatch(s ->
                s.stats().connected() && s.stats().peers() == 1));
    }

    @AfterEach
    void stop() throws Exception {
        for (FakeEnvoy e : envoys) {
            e.close();
        }
        servers.forEach(ExtProcServer::close);
        for (MetricsEndpoint e : endpoints) {
            e.close();
        }
        if (redis != null) {
            redis.kill();
        }
    }

    /** A pick at replica {@code r} for prompt {@code n}; the stream stays open (its request in flight) until closed. */
    FakeEnvoy.Stream pick(int r, int n) throws Exception {
        FakeEnvoy.Stream s = envoys.get(r).open("pool");
        s.requestHeaders(FakeEnvoy.post("/v1/chat/completions", Map.of()), false, null);
        String prompt = "Tenant " + n + ": " + "you answer questions about this tenant's invoices. ".repeat(30);
        s.requestBody(ExtProcFixture.chat("base", prompt), 16 * 1024, true);
        return s;
    }

    @Test
    void theSecondPickerSendsAPromptWhereTheFirstSentIt() throws Exception {
        for (int n = 0; n < 12; n++) {
            long applied = sharing.get(1).stats().recordsApplied();
            FakeEnvoy.Stream first = pick(0, n);
            String warmed = first.forwarded().destination();
            first.halfClose();
            Awaitility.await().atMost(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(2))
                    .until(() -> sharing.get(1).stats().recordsApplied() > applied);

            FakeEnvoy.Stream second = pick(1, n);
            assertThat(second.forwarded().destination()).as("prompt %d", n).isEqualTo(warmed);
            second.halfClose();
        }
    }

    @Test
    void streamsInFlightAtOnePickerCountAtTheOther() throws Exception {
        FakeEnvoy.Stream open = pick(0, 100);
        String at = open.forwarded().destination();

        Awaitility.await().atMost(Duration.ofSeconds(2)).until(() -> servers.get(1).pools().get("pool").states()
                .stream().anyMatch(s -> s.endpoint().address().equals(at) && s.inFlightRequests() == 1));
        open.halfClose(); // the stream ends: its lease closes at the first replica, and the count leaves the second

        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> servers.get(1).pools().get("pool").states()
                .stream().allMatch(s -> s.inFlightRequests() == 0));
    }
}
