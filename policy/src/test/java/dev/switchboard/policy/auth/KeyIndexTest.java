package dev.switchboard.policy.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KeyIndexTest {
    static final ServerSecret SECRET = ServerSecret.of("key-index-test-secret-0123456789abcdef"
            .getBytes(StandardCharsets.UTF_8));
    final KeyIndex index = new KeyIndex(SECRET, Clock.fixed(VirtualKeysTest.NOW, ZoneOffset.UTC));

    private AuthResult present(String key) {
        return index.authenticate(ClientCredentials.ofHeaders(Map.of("authorization", "Bearer " + key)));
    }

    private String code(String key) {
        return present(key) instanceof AuthResult.Denied d ? d.code() : "accepted";
    }

    @Test
    void aSourceReplacesTheSetOrOneRecordAtATime() {
        VirtualKeysTest.Made a = VirtualKeysTest.make(SECRET, null, false);
        VirtualKeysTest.Made b = VirtualKeysTest.make(SECRET, null, false);
        assertThat(code(a.issued().key())).isEqualTo("invalid_key");

        index.replaceAll(List.of(a.record()));
        assertThat(present(a.issued().key())).isEqualTo(new AuthResult.Authenticated(a.record().principal()));
        assertThat(code(b.issued().key())).isEqualTo("invalid_key");

        index.put(b.record());
        assertThat(code(b.issued().key())).isEqualTo("accepted");
        index.put(b.record().withRevoked());
        assertThat(code(b.issued().key())).isEqualTo("key_revoked");
        assertThat(index.size()).isEqualTo(2);

        index.remove(b.record().id());
        assertThat(code(b.issued().key())).isEqualTo("invalid_key");
        index.remove(b.record().id());
        assertThat(index.size()).isEqualTo(1);

        index.replaceAll(List.of(b.record()));
        assertThat(code(a.issued().key())).as("not in the new set").isEqualTo("invalid_key");
    }

    @Test
    void aWrongSecretAndAnExpiredKeyAreTold() {
        VirtualKeysTest.Made expired = VirtualKeysTest.make(SECRET, VirtualKeysTest.NOW, false);
        index.replaceAll(List.of(expired.record()));
        assertThat(code(expired.issued().key())).isEqualTo("key_expired");
        String wrong = expired.issued().key().substring(0, 23) + "A".repeat(43);
        assertThat(code(wrong)).isEqualTo("invalid_key");
    }

    @Test
    void oneRecordRoundTripsThroughItsJsonWhichHoldsNoKey() {
        VirtualKeysTest.Made m = VirtualKeysTest.make(SECRET, VirtualKeysTest.NOW.plusSeconds(3600), true);
        String json = KeyFile.recordJson(m.record());
        assertThat(json).doesNotContain("\n").doesNotContain(m.issued().key().substring(23));
        assertThat(KeyFile.parseRecord(json, "there")).isEqualTo(m.record());
        assertThatThrownBy(() -> KeyFile.parseRecord("{\"id\": \"" + m.record().id() + "\"}", "there"))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("there.hash: required");
        assertThatThrownBy(() -> KeyFile.parseRecord("{" + m.issued().key(), "there"))
                .hasMessage("there: not valid JSON");
    }
}
