package dev.switchboard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.core.config.SecurityPolicy;
import dev.switchboard.policy.Principal;
import dev.switchboard.policy.Quota;
import dev.switchboard.policy.auth.AuthResult;
import dev.switchboard.policy.auth.ClientCredentials;
import dev.switchboard.policy.auth.KeyFile;
import dev.switchboard.policy.auth.KeyRecord;
import dev.switchboard.policy.auth.ServerSecret;
import dev.switchboard.policy.auth.VirtualKeys;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeysCommandTest {
    static final String SECRET = "cli-test-server-secret-0123456789abcdef";

    @TempDir
    Path dir;
    Path keys;
    Path secretFile;

    @BeforeEach
    void files() throws Exception {
        keys = dir.resolve("keys.json");
        secretFile = dir.resolve("secret");
        Files.writeString(secretFile, SECRET + "\n");
    }

    private CliRun create(String... more) {
        List<String> args = new java.util.ArrayList<>(List.of("keys", "create", "--file", keys.toString(),
                "--secret-file", secretFile.toString()));
        args.addAll(List.of(more));
        return CliRun.of(args.toArray(String[]::new));
    }

    private static AuthResult present(VirtualKeys v, String key) {
        return v.authenticate(ClientCredentials.ofHeaders(Map.of("authorization", "Bearer " + key)));
    }

    @Test
    void createPrintsTheKeyOnceAndTheGatewayAcceptsIt() throws Exception {
        Instant before = Instant.now();
        CliRun r = create("--models", "gpt-4o-mini,claude-sonnet-4", "--routes", "chat", "--rpm", "60", "--tpm", "100000",
                "--budget-usd", "12.50", "--budget-period", "30d", "--expires", "90d", "--label", "team=search",
                "--label", "user=ana");
        assertThat(r.code()).as(r.err()).isZero();
        String key = r.out().strip();
        assertThat(key).matches("sk-sb-[0-9a-f]{16}-[A-Za-z0-9_-]{43}");
        String id = key.substring(6, 22);
        assertThat(r.err()).contains("key " + id + " added to " + keys).contains("will not be shown again");

        String file = Files.readString(keys);
        assertThat(file).doesNotContain(key).doesNotContain(key.substring(23)).doesNotContain(SECRET);
        KeyRecord rec = KeyFile.read(keys).getFirst();
        assertThat(rec.expiresAt()).isBetween(before.plus(Duration.ofDays(90)).minusSeconds(1),
                Instant.now().plus(Duration.ofDays(90)));

        ServerSecret secret = ServerSecret.load(new SecurityPolicy.Secret(null, secretFile), n -> null);
        try (VirtualKeys v = VirtualKeys.readOnce(keys, secret, Clock.systemUTC())) {
            assertThat(present(v, key)).isEqualTo(new AuthResult.Authenticated(new Principal(id,
                    Principal.Source.VIRTUAL_KEY, Map.of("team", "search", "user", "ana"),
                    Set.of("gpt-4o-mini", "claude-sonnet-4"), Set.of("chat"),
                    new Quota(60, 100_000, new Quota.Budget(12_500_000, Duration.ofDays(30))))));
        }

        CliRun list = CliRun.of("keys", "list", "--file", keys.toString());
        assertThat(list.code()).isZero();
        assertThat(list.out()).contains(id).contains("active").contains("60 rpm, 100000 tpm, $12.5/30d")
                .contains("team=search,user=ana / claude-sonnet-4,gpt-4o-mini / chat").contains("1 key in")
                .doesNotContain(rec.hash()).doesNotContain(key.substring(23));
    }

    @Test
    void revokeMarksTheKeyAndAWatchingGatewayRefusesIt() throws Exception {
        String first = create().out().strip();
        String second = create("--label", "team=x").out().strip();
        String id = first.substring(6, 22);
        ServerSecret secret = ServerSecret.load(new SecurityPolicy.Secret(null, secretFile), n -> null);
        try (VirtualKeys v = VirtualKeys.watching(keys, secret, Clock.systemUTC())) {
            assertThat(present(v, first)).isInstanceOf(AuthResult.Authenticated.class);
            CliRun r = CliRun.of("keys", "revoke", "--file", keys.toString(), id);
            assertThat(r.code()).as(r.err()).isZero();
            assertThat(r.out()).contains("key " + id + " revoked");
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                    assertThat(present(v, first)).isInstanceOfSatisfying(AuthResult.Denied.class,
                            d -> assertThat(d.message()).startsWith("key revoked")));
            assertThat(present(v, second)).isInstanceOf(AuthResult.Authenticated.class);
        }
        assertThat(CliRun.of("keys", "list", "--file", keys.toString()).out()).contains(id + "  revoked")
                .contains("2 keys in");
        assertThat(CliRun.of("keys", "revoke", "--file", keys.toString(), id).out()).contains("already revoked");
        CliRun unknown = CliRun.of("keys", "revoke", "--file", keys.toString(), first);
        assertThat(unknown.code()).isEqualTo(1);
        assertThat(unknown.err()).contains("no key with that id").contains("give the id, not the whole key")
                .doesNotContain(first);
    }

    @Test
    void mistakesAreSaidWithoutAStackTrace() throws Exception {
        CliRun noSecret = CliRun.of("keys", "create", "--file", keys.toString(), "--secret-env", "SB_SURELY_UNSET_VAR");
        assertThat(noSecret.code()).isEqualTo(1);
        assertThat(noSecret.err()).contains("environment variable SB_SURELY_UNSET_VAR is not set");
        assertThat(Files.exists(keys)).isFalse();

        CliRun both = CliRun.of("keys", "create", "--file", keys.toString(), "--secret-env", "A", "--secret-file", "b");
        assertThat(both.code()).isEqualTo(2);
        assertThat(both.err()).contains("mutually exclusive");

        CliRun badMoney = create("--budget-usd", "ten");
        assertThat(badMoney.code()).isEqualTo(2);
        assertThat(badMoney.err()).contains("expected an amount in US dollars like 12.50");

        Files.writeString(keys, "{\"keys\": [{\"id\": \"zz\"}]}");
        CliRun badFile = CliRun.of("keys", "list", "--file", keys.toString());
        assertThat(badFile.code()).isEqualTo(2);
        assertThat(badFile.err()).contains("the key file " + keys + " cannot be used: keys[0].id: expected 16");
    }
}
