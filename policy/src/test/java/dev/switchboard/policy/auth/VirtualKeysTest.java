package dev.switchboard.policy.auth;

import dev.switchboard.testing.CapturedLogs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.switchboard.core.config.ConfigException;
import dev.switchboard.core.config.SecurityPolicy;
import dev.switchboard.policy.Principal;
import dev.switchboard.policy.Quota;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VirtualKeysTest {
    static final byte[] SECRET_BYTES = "0123456789abcdef0123456789abcdef-server-secret".getBytes(StandardCharsets.UTF_8);
    static final ServerSecret SECRET = ServerSecret.of(SECRET_BYTES);
    static final Instant NOW = Instant.parse("2026-12-01T10:00:00Z");
    static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
    static final Quota QUOTA = new Quota(60, 100_000, new Quota.Budget(12_500_000, Duration.ofDays(30)));

    @TempDir
    Path dir;

    /** A new key and its record, with everything a record can hold. */
    record Made(VirtualKey.Issued issued, KeyRecord record) {}

    static Made make(ServerSecret secret, Instant expiresAt, boolean revoked) {
        VirtualKey.Issued k = VirtualKey.generate(new SecureRandom());
        return new Made(k, new KeyRecord(k.id(), secret.hashHex(k.key()), Map.of("team", "search", "user", "ana"),
                Set.of("gpt-4o-mini"), Set.of("chat"), QUOTA, NOW.minusSeconds(60), expiresAt, revoked));
    }

    private Path file(List<KeyRecord> keys) throws Exception {
        Path f = dir.resolve("keys.json");
        KeyFile.write(f, keys);
        return f;
    }

    private static AuthResult bearer(Authenticator a, String key) {
        return a.authenticate(ClientCredentials.ofHeaders(Map.of("Authorization", "Bearer " + key)));
    }

    private static AuthResult.Denied denied(AuthResult r, String message, String code) {
        assertThat(r).isInstanceOf(AuthResult.Denied.class);
        AuthResult.Denied d = (AuthResult.Denied) r;
        assertThat(d.status()).isEqualTo(401);
        assertThat(d.message()).startsWith(message);
        assertThat(d.code()).isEqualTo(code);
        assertThat(d.headers()).containsEntry("WWW-Authenticate", "Bearer realm=\"switchboard\", error=\"invalid_token\"");
        return d;
    }

    @Test
    void aValidKeyGivesItsPrincipal() throws Exception {
        Made m = make(SECRET, NOW.plusSeconds(3600), false);
        try (VirtualKeys keys = VirtualKeys.readOnce(file(List.of(m.record())), SECRET, CLOCK)) {
            AuthResult r = keys.authenticate(ClientCredentials.ofHeaders(Map.of("x-api-key", m.issued().key())));
            assertThat(r).isEqualTo(new AuthResult.Authenticated(new Principal(m.issued().id(),
                    Principal.Source.VIRTUAL_KEY, Map.of("team", "search", "user", "ana"), Set.of("gpt-4o-mini"),
                    Set.of("chat"), QUOTA)));
        }
    }

    @Test
    void aWrongSecretAndAnUnknownIdGetTheSameAnswer() throws Exception {
        Made m = make(SECRET, null, false);
        try (VirtualKeys keys = VirtualKeys.readOnce(file(List.of(m.record())), SECRET, CLOCK)) {
            String key = m.issued().key();
            String wrongSecret = key.substring(0, key.length() - 4) + (key.endsWith("AAAA") ? "BBBB" : "AAAA");
            String unknownId = VirtualKey.generate(new SecureRandom()).key();
            AuthResult.Denied a = denied(bearer(keys, wrongSecret), "invalid key", "invalid_key");
            AuthResult.Denied b = denied(bearer(keys, unknownId), "invalid key", "invalid_key");
            assertThat(a).isEqualTo(b);
            denied(bearer(keys, "sk-sb-" + m.issued().id() + "-short"), "invalid key", "invalid_key");
            denied(bearer(keys, "sk-sb-nothex"), "invalid key", "invalid_key");
        }
    }

    @Test
    void aKeyHashedWithAnotherServerSecretIsInvalid() throws Exception {
        ServerSecret other = ServerSecret.of("another-server-secret-of-32-bytes-or-more".getBytes(StandardCharsets.UTF_8));
        Made m = make(other, null, false);
        try (VirtualKeys keys = VirtualKeys.readOnce(file(List.of(m.record())), SECRET, CLOCK)) {
            denied(bearer(keys, m.issued().key()), "invalid key", "invalid_key");
        }
    }

    @Test
    void revokedAndExpiredKeysAreRefusedSayingSo() throws Exception {
        Made revoked = make(SECRET, null, true);
        Made expired = make(SECRET, NOW, false);
        Made later = make(SECRET, NOW.plusMillis(1), false);
        try (VirtualKeys keys = VirtualKeys.readOnce(file(List.of(revoked.record(), expired.record(), later.record())),
                SECRET, CLOCK)) {
            denied(bearer(keys, revoked.issued().key()), "key revoked", "key_revoked");
            denied(bearer(keys, expired.issued().key()), "key expired", "key_expired");
            assertThat(bearer(keys, later.issued().key())).isInstanceOf(AuthResult.Authenticated.class);
        }
    }

    @Test
    void otherCredentialsAreLeftToTheNextAuthenticator() throws Exception {
        try (VirtualKeys keys = VirtualKeys.readOnce(file(List.of()), SECRET, CLOCK)) {
            assertThat(bearer(keys, "eyJ.eyJ.sig")).isEqualTo(AuthResult.ABSTAINED);
            assertThat(keys.authenticate(ClientCredentials.ofHeaders(Map.of()))).isEqualTo(AuthResult.ABSTAINED);
        }
    }

    @Test
    void aRotatedOrRevokedKeyTakesEffectWhenTheFileChangesAndABadChangeKeepsTheOldSet() throws Exception {
        Made first = make(SECRET, null, false);
        Path f = file(List.of(first.record()));
        try (CapturedLogs logs = new CapturedLogs("dev.switchboard.policy.auth", "dev.switchboard.core.config"); VirtualKeys keys = VirtualKeys.watching(f, SECRET, CLOCK)) {
            assertThat(bearer(keys, first.issued().key())).isInstanceOf(AuthResult.Authenticated.class);

            Made second = make(SECRET, null, false); // rotation: the new key added, the old one revoked
            KeyFile.write(f, List.of(first.record().withRevoked(), second.record()));
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                assertThat(bearer(keys, second.issued().key())).isInstanceOf(AuthResult.Authenticated.class);
                denied(bearer(keys, first.issued().key()), "key revoked", "key_revoked");
            });

            // a hand edit that breaks the file: logged, and the keys in force stay
            String broken = new String(KeyFile.serialize(List.of(second.record())), StandardCharsets.UTF_8)
                    .replace("\"revoked\" : false", "\"revoked\" : \"" + first.issued().key() + "\"");
            Files.writeString(f, broken);
            await().atMost(Duration.ofSeconds(10)).until(() -> logs.text().contains("cannot be used"));
            assertThat(logs.text()).contains("keys[0].revoked: expected true or false").contains("keeping the 2 keys");
            assertThat(bearer(keys, second.issued().key())).isInstanceOf(AuthResult.Authenticated.class);

            Files.writeString(f, "{\"keys\": [ {\"id\": \"" + first.issued().key() + "\"");
            await().atMost(Duration.ofSeconds(10)).until(() -> logs.text().contains("not valid JSON"));
            assertThat(keys.size()).isEqualTo(2);
            assertNoSecrets(logs.text(), first, second);
        }
    }

    @Test
    void aMissingServerSecretIsAConfigErrorSayingWhatToSet() throws Exception {
        assertThatThrownBy(() -> ServerSecret.load(new SecurityPolicy.Secret("SB_TEST_SECRET", null), name -> null))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("environment variable SB_TEST_SECRET is not set");
        assertThatThrownBy(() -> ServerSecret.load(new SecurityPolicy.Secret("SB_TEST_SECRET", null), name -> "short"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("is 5 bytes; use 32 or more")
                .hasMessageNotContaining("short");
        Path missing = dir.resolve("nope");
        assertThatThrownBy(() -> ServerSecret.load(new SecurityPolicy.Secret(null, missing), name -> null))
                .isInstanceOf(ConfigException.class).hasMessageContaining("cannot read " + missing);
        Path file = dir.resolve("secret");
        Files.write(file, SECRET_BYTES);
        Files.writeString(file, "\n", java.nio.file.StandardOpenOption.APPEND);
        ServerSecret fromFile = ServerSecret.load(new SecurityPolicy.Secret(null, file), name -> null);
        assertThat(fromFile.hashHex("x")).isEqualTo(SECRET.hashHex("x"));
        assertThat(fromFile.toString()).contains("file " + file).doesNotContain(new String(SECRET_BYTES,
                StandardCharsets.UTF_8));
    }

    @Test
    void nothingPrintsAKeyAHashOrTheSecret() throws Exception {
        Made m = make(SECRET, null, false);
        List<String> outputs = new ArrayList<>();
        try (CapturedLogs logs = new CapturedLogs("dev.switchboard.policy.auth", "dev.switchboard.core.config");
                VirtualKeys keys = VirtualKeys.readOnce(file(List.of(m.record())), SECRET, CLOCK)) {
            String key = m.issued().key();
            for (AuthResult r : List.of(bearer(keys, key), bearer(keys, key + "x"), bearer(keys, key.replace('a', 'b')))) {
                outputs.add(r.toString());
            }
            outputs.add(m.record().toString());
            outputs.add(m.issued().toString());
            outputs.add(SECRET.toString());
            outputs.add(keys.toString());
            Files.writeString(dir.resolve("keys.json"), "{\"keys\": [{\"id\": \"" + key + "\"}]}");
            try {
                VirtualKeys.readOnce(dir.resolve("keys.json"), SECRET, CLOCK).close();
            } catch (IllegalArgumentException e) {
                outputs.add(e.getMessage());
            }
            outputs.add(logs.text());
        }
        assertThat(outputs).hasSizeGreaterThan(7);
        assertNoSecrets(String.join("\n", outputs), m);
    }

    static void assertNoSecrets(String text, Made... made) {
        assertThat(text).doesNotContain(new String(SECRET_BYTES, StandardCharsets.UTF_8));
        for (Made m : made) {
            String key = m.issued().key();
            // the secret part follows the fixed-length id (base64url may itself hold a '-')
            String secretPart = key.substring(VirtualKey.PREFIX.length() + m.issued().id().length() + 1);
            assertThat(text).doesNotContain(key).doesNotContain(secretPart)
                    .doesNotContain(m.record().hash());
        }
    }
}
