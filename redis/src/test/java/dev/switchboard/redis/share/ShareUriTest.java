package dev.switchboard.redis.share;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ShareUriTest {
    @Test
    void readsHostPortAndPrefixWithDefaults() {
        assertThat(ShareUri.parse("redis://10.0.0.5:6380/prod-gw")).isEqualTo(new ShareUri("10.0.0.5", 6380, false,
                "prod-gw"));
        assertThat(ShareUri.parse("rediss://redis.svc")).isEqualTo(new ShareUri("redis.svc", 6379, true,
                ShareUri.DEFAULT_PREFIX));
        assertThat(ShareUri.parse("redis://h:1/").channel()).isEqualTo("switchboard:pool-state");
    }

    @Test
    void refusesOtherSchemesAndPasswordsOnTheCommandLine() {
        assertThatThrownBy(() -> ShareUri.parse("http://h:1")).hasMessageContaining("redis://host:port");
        assertThatThrownBy(() -> ShareUri.parse("redis://:secret@h:1")).hasMessageContaining(ShareUri.PASSWORD_ENV)
                .hasMessageNotContaining("secret");
        assertThatThrownBy(() -> ShareUri.parse("not a uri")).isInstanceOf(IllegalArgumentException.class);
    }
}
