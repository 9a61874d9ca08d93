package dev.switchboard.gateway.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.core.config.ConfigException;
import dev.switchboard.core.config.ConfigLoader;
import dev.switchboard.core.config.SecurityPolicy;
import dev.switchboard.gateway.TestConfigs;
import dev.switchboard.gateway.server.GatewayServer;
import dev.switchboard.policy.Quota;
import dev.switchboard.policy.auth.KeyRecord;
import dev.switchboard.policy.auth.ServerSecret;
import dev.switchboard.policy.auth.VirtualKey;
import dev.switchboard.policy.limits.RateLimitPolicy;
import dev.switchboard.redis.RedisKeyWriter;
import dev.switchboard.sim.SimConfig;
import dev.switchboard.sim.engine.EngineConfig;
import dev.switchboard.sim.server.SimServer;
import dev.switchboard.testing.RedisServerProcess;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Virtual keys kept in Redis ({@code virtualKeys.redis}) in front of the gateway: keys written by the CLI's writer
 * ({@link RedisKeyWriter}, what {@code switchboard keys create --redis} runs) are served, revoked ones refused.
 */
class ClientAuthRedisIT {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String SIM = SimConfig.DEFAULT_MODEL;
    static final String PREFIX = "gw:";
    @TempDir
    static Path dir;
    static RedisServerProcess redis;
    static SimServer sims;
    static GatewayServer gateway;
    static ServerSecret secret;
    static RedisKeyWriter writer;
    static final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        assumeTrue(RedisServerProcess.installed(), "redis-server is not installed (apt-get install -y redis-server)");
        redis = RedisServerProcess.start();
        sims = SimServer.start(SimConfig.defaults().withEndpoints(0, 1)
                .withEngine(EngineConfig.defaults().withTimeScale(0)));
        Path secretFile = Files.writeString(dir.resolve("secret"), "0123456789abcdef0123456789abcdef-redis-secret");
        secret = ServerSecret.load(new SecurityPolicy.Secret(null, secretFile), name -> null);
        writer = RedisKeyWriter.connect(new RateLimitPolicy.RedisStore("127.0.0.1", redis.port, null,
                Duration.ofSeconds(1), PREFIX), name -> null);
        gateway = GatewayServer.start(ConfigLoader.parse(yaml(redis.port), "auth.yaml", dir), 1);
    }

    static String yaml(int redisPort) {
        return TestConfigs.of(TestConfigs.gateway(""), TestConfigs.route("""
                  - name: sim
                    matches: [{headers: [{name: x-ai-eg-model, value: %s}]}]
                    backendRefs: [{name: sim}]
                """.formatted(SIM)), TestConfigs.backend("sim", sims.addresses().get(0).getPort()), """
                apiVersion: switchboard.dev/v1alpha1
                kind: ClientAuth
                metadata: {name: clients}
                spec:
                  virtualKeys:
                    redis: {host: 127.0.0.1, port: %d, keyPrefix: "%s"}
                    secret: {file: secret}
                """.formatted(redisPort, PREFIX));
    }

    @AfterAll
    static void stop() throws Exception {
        if (gateway != null) {
            gateway.close();
        }
        if (writer != null) {
            writer.close();
        }
        if (sims != null) {
            sims.close();
        }
        if (redis != null) {
            redis.close();
        }
    }

    /** A key made and written as {@code switchboard keys create --redis} does; the key, as printed once. */
    static String create() {
        VirtualKey.Issued issued = VirtualKey.generate(new SecureRandom());
        assertThat(writer.create(new KeyRecord(issued.id(), secret.hashHex(issued.key()), Map.of("team", "search"),
                Set.of(), Set.of(), Quota.NONE, Instant.now().truncatedTo(ChronoUnit.SECONDS), null, false))).isTrue();
        return issued.key();
    }

    static HttpResponse<String> chat(String key) throws Exception {
        URI chat = URI.create("http://127.0.0.1:" + gateway.port() + "/v1/chat/completions");
        return http.send(HttpRequest.newBuilder(chat)
                .header("authorization", "Bearer " + key)
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"" + SIM + "\",\"max_tokens\":3,"
                        + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    static String code(HttpResponse<String> r) throws Exception {
        return JSON.readTree(r.body()).path("error").path("code").asText();
    }

    @Test
    void aKeyCreatedInRedisIsServedWithinASecondAndRefusedOnceRevoked() throws Exception {
        String key = create();
        await().atMost(Duration.ofSeconds(1)).until(() -> chat(key).statusCode() == 200);
        String id = key.substring(6, 22);
        writer.update(writer.get(id).withRevoked());
        await().atMost(Duration.ofSeconds(1)).until(() -> chat(key).statusCode() == 401);
        assertThat(code(chat(key))).isEqualTo("key_revoked");
        HttpResponse<String> unknown = chat(VirtualKey.generate(new SecureRandom()).key());
        assertThat(unknown.statusCode()).isEqualTo(401);
        assertThat(code(unknown)).isEqualTo("invalid_key");
    }

    @Test
    void aGatewayWhoseRedisCannotBeReachedDoesNotStartAndSaysWhere() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        String config = yaml(closed);
        assertThatThrownBy(() -> GatewayServer.start(ConfigLoader.parse(config, "auth.yaml", dir), 1))
                .isInstanceOf(ConfigException.class).hasMessageContaining("ClientAuth/clients")
                .hasMessageContaining("127.0.0.1:" + closed);
    }
}
