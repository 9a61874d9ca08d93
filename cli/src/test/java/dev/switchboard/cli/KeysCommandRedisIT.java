package dev.switchboard.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.switchboard.core.config.SecurityPolicy;
import dev.switchboard.policy.auth.AuthConfig;
import dev.switchboard.policy.auth.AuthResult;
import dev.switchboard.policy.auth.ClientCredentials;
import dev.switchboard.policy.auth.KeyIndex;
import dev.switchboard.policy.auth.ServerSecret;
import dev.switchboard.policy.limits.RateLimitPolicy;
import dev.switchboard.redis.RedisKeyStore;
import dev.switchboard.testing.RedisServerProcess;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code switchboard keys ... --redis} against a real redis-server, read back by a gateway's key store. */
class KeysCommandRedisIT {
    static final String SECRET = "cli-redis-test-server-secret-0123456789abcdef";

    @TempDir
    Path dir;
    Path secretFile;
    RedisServerProcess redis;

    @BeforeEach
    void start() throws Exception {
        assumeTrue(RedisServerProcess.installed(), "redis-server is not installed (apt-get install -y redis-server)");
        redis = RedisServerProcess.start();
        secretFile = Files.writeString(dir.resolve("secret"), SECRET + "\n");
    }

    @AfterEach
    void stop() throws Exception {
        if (redis != null) {
            redis.close();
        }
    }

    private CliRun keys(String command, String... more) {
        List<String> args = new java.util.ArrayList<>(List.of("keys", command, "--redis", "127.0.0.1:" + redis.port,
                "--key-prefix", "cli:"));
        args.addAll(List.of(more));
        return CliRun.of(args.toArray(String[]::new));
    }

    private static AuthResult present(KeyIndex index, String key) {
        return index.authenticate(ClientCredentials.ofHeaders(Map.of("authorization", "Bearer " + key)));
    }

    @Test
    void createListAndRevokeReachARunningGatewaysKeys() throws Exception {
        ServerSecret secret = ServerSecret.load(new SecurityPolicy.Secret(null, secretFile), n -> null);
        KeyIndex index = new KeyIndex(secret, Clock.systemUTC());
        AuthConfig.RedisKeys config = new AuthConfig.RedisKeys(new RateLimitPolicy.RedisStore("127.0.0.1", redis.port,
                null, Duration.ofMillis(250), "cli:"), Duration.ofHours(1));
        try (RedisKeyStore store = RedisKeyStore.open(config, index, n -> null)) {
            CliRun created = keys("create", "--secret-file", secretFile.toString(), "--label", "team=search",
                    "--rpm", "60");
            assertThat(created.code()).as(created.err()).isZero();
            String key = created.out().strip();
            assertThat(key).matches("sk-sb-[0-9a-f]{16}-[A-Za-z0-9_-]{43}");
            String id = key.substring(6, 22);
            assertThat(created.err()).contains("key " + id + " added to Redis 127.0.0.1:" + redis.port
                    + ", hash cli:keys").contains("will not be shown again");
            assertThat(redis.command("HGET cli:keys " + id)).doesNotContain(key.substring(23)).contains("\"hash\"");
            await().atMost(Duration.ofSeconds(1)).until(() -> present(index, key) instanceof AuthResult.Authenticated);

            CliRun list = keys("list");
            assertThat(list.code()).as(list.err()).isZero();
            assertThat(list.out()).contains(id + "  active").contains("60 rpm").contains("team=search")
                    .contains("1 key in Redis 127.0.0.1:" + redis.port).doesNotContain(key.substring(23));

            CliRun revoked = keys("revoke", id);
            assertThat(revoked.code()).as(revoked.err()).isZero();
            assertThat(revoked.out()).contains("key " + id + " revoked in Redis");
            await().atMost(Duration.ofSeconds(1)).until(() -> present(index, key) instanceof AuthResult.Denied d
                    && d.code().equals("key_revoked"));
            assertThat(keys("list").out()).contains(id + "  revoked");
            assertThat(keys("revoke", id).out()).contains("already revoked");
            assertThat(keys("revoke", "0123456789abcdef").code()).isEqualTo(1);
        }
    }

    @Test
    void aRedisThatCannotBeReachedOrABadAddressIsSaidWithoutAStackTrace() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        CliRun down = CliRun.of("keys", "list", "--redis", "127.0.0.1:" + closed);
        assertThat(down.code()).isEqualTo(1);
        assertThat(down.err()).contains("Redis at 127.0.0.1:" + closed + " cannot be reached").doesNotContain("\tat ");

        CliRun bad = CliRun.of("keys", "list", "--redis", "localhost");
        assertThat(bad.code()).isEqualTo(2);
        assertThat(bad.err()).contains("--redis expects HOST:PORT");

        CliRun both = CliRun.of("keys", "list", "--redis", "127.0.0.1:" + redis.port, "--file", "k.json");
        assertThat(both.code()).isEqualTo(2);
        assertThat(both.err()).contains("expected exactly one of --file (a key file) or --redis HOST:PORT");
    }
}
