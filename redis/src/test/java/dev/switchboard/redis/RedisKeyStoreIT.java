package dev.switchboard.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.switchboard.core.config.SecurityPolicy;
import dev.switchboard.policy.Quota;
import dev.switchboard.policy.auth.AuthConfig;
import dev.switchboard.policy.auth.AuthResult;
import dev.switchboard.policy.auth.ClientCredentials;
import dev.switchboard.policy.auth.KeyFile;
import dev.switchboard.policy.auth.KeyIndex;
import dev.switchboard.policy.auth.KeyRecord;
import dev.switchboard.policy.auth.ServerSecret;
import dev.switchboard.policy.auth.VirtualKey;
import dev.switchboard.policy.limits.RateLimitPolicy;
import dev.switchboard.testing.RedisServerProcess;
import java.net.ServerSocket;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** Replicas sharing virtual keys through a real redis-server: messages, the refresh backstop, an outage. */
class RedisKeyStoreIT {
    static final String PREFIX = "it:";
    static final String SECRET = "redis-keys-test-secret-0123456789abcdef";

    RedisServerProcess redis;
    ServerSecret secret;
    final List<AutoCloseable> opened = new ArrayList<>();
    final ListAppender<ILoggingEvent> logs = new ListAppender<>();

    @BeforeEach
    void start() throws Exception {
        assumeTrue(RedisServerProcess.installed(), "redis-server is not installed (apt-get install -y redis-server)");
        redis = RedisServerProcess.start();
        secret = ServerSecret.load(new SecurityPolicy.Secret("KEY_SECRET", null), name -> SECRET);
        logs.start();
        ((Logger) LoggerFactory.getLogger(RedisKeyStore.class)).addAppender(logs);
    }

    @AfterEach
    void stop() throws Exception {
        ((Logger) LoggerFactory.getLogger(RedisKeyStore.class)).detachAppender(logs);
        for (AutoCloseable c : opened) {
            c.close();
        }
        if (redis != null) {
            redis.close();
        }
    }

    RateLimitPolicy.RedisStore store(int port) {
        return new RateLimitPolicy.RedisStore("127.0.0.1", port, null, Duration.ofMillis(250), PREFIX);
    }

    /** One replica's keys: an index fed by its own store. */
    KeyIndex replica(Duration refresh) {
        KeyIndex index = new KeyIndex(secret, Clock.systemUTC());
        opened.add(RedisKeyStore.open(new AuthConfig.RedisKeys(store(redis.port), refresh), index, name -> null));
        return index;
    }

    RedisKeyWriter writer() {
        RedisKeyWriter w = RedisKeyWriter.connect(store(redis.port), name -> null);
        opened.add(w);
        return w;
    }

    /** A new key and its record, as {@code switchboard keys create} makes them. */
    record Made(String key, KeyRecord record) {}

    Made make() {
        VirtualKey.Issued issued = VirtualKey.generate(new SecureRandom());
        return new Made(issued.key(), new KeyRecord(issued.id(), secret.hashHex(issued.key()), Map.of("team", "search"),
                Set.of(), Set.of(), Quota.NONE, Instant.now().truncatedTo(ChronoUnit.SECONDS), null, false));
    }

    static AuthResult present(KeyIndex index, String key) {
        return index.authenticate(ClientCredentials.ofHeaders(Map.of("authorization", "Bearer " + key)));
    }

    static boolean accepted(KeyIndex index, String key) {
        return present(index, key) instanceof AuthResult.Authenticated;
    }

    static String refusal(KeyIndex index, String key) {
        return present(index, key) instanceof AuthResult.Denied d ? d.toString() : "not denied";
    }

    /** Writes a record without announcing it: a change message that was lost. */
    void writeSilently(KeyRecord r) throws Exception {
        assertThat(redis.command("HSET " + PREFIX + "keys " + r.id() + " '" + KeyFile.recordJson(r) + "'"))
                .startsWith(":");
    }

    @Test
    void twoReplicasSeeACreatedKeyAndItsRevocationWithinASecond() {
        Made existing = make();
        RedisKeyWriter writer = writer();
        assertThat(writer.create(existing.record())).isTrue();
        KeyIndex a = replica(Duration.ofHours(1));
        KeyIndex b = replica(Duration.ofHours(1));
        assertThat(accepted(a, existing.key())).as("read at start").isTrue();

        Made made = make();
        assertThat(accepted(a, made.key())).isFalse();
        assertThat(writer.create(made.record())).isTrue();
        await().atMost(Duration.ofSeconds(1)).until(() -> accepted(a, made.key()) && accepted(b, made.key()));
        assertThat(present(a, made.key())).isEqualTo(new AuthResult.Authenticated(made.record().principal()));

        writer.update(made.record().withRevoked());
        await().atMost(Duration.ofSeconds(1)).until(() -> refusal(a, made.key()).contains("key_revoked")
                && refusal(b, made.key()).contains("key_revoked"));
        assertThat(accepted(a, existing.key())).as("the other key is untouched").isTrue();
        assertThat(writer.create(made.record())).as("an id names one key").isFalse();
        assertThat(writer.all()).extracting(KeyRecord::id).containsExactlyInAnyOrder(existing.record().id(),
                made.record().id());
    }

    @Test
    void aLostMessageIsCaughtByTheRefresh() throws Exception {
        KeyIndex replica = replica(Duration.ofMillis(300));
        Made made = make();
        writeSilently(made.record());
        await().atMost(Duration.ofSeconds(3)).until(() -> accepted(replica, made.key()));
        writeSilently(made.record().withRevoked());
        await().atMost(Duration.ofSeconds(3)).until(() -> refusal(replica, made.key()).contains("key_revoked"));
    }

    @Test
    void keysKeepWorkingWhileRedisIsDownAndAreReadAgainWhenItReturns() throws Exception {
        Made made = make();
        writer().create(made.record());
        KeyIndex replica = replica(Duration.ofHours(1)); // no refresh: the resync must come from the reconnection
        assertThat(accepted(replica, made.key())).isTrue();

        redis.kill();
        await().atMost(Duration.ofSeconds(5)).until(() -> logs.list.stream()
                .anyMatch(e -> e.getFormattedMessage().contains("cannot be reached")));
        assertThat(accepted(replica, made.key())).as("held through the outage").isTrue();

        redis.startAgain(); // empty (no persistence): the key is gone from the truth
        await().atMost(Duration.ofSeconds(10)).until(() -> refusal(replica, made.key()).contains("invalid"));
        assertThat(logs.list.stream().filter(e -> e.getFormattedMessage().contains("cannot be reached")))
                .as("the outage is logged once").hasSize(1);
        assertThat(logs.list.stream().map(ILoggingEvent::getFormattedMessage)).anyMatch(m -> m.contains("is back"));

        Made after = make();
        RedisKeyWriter fresh = RedisKeyWriter.connect(store(redis.port), name -> null);
        opened.add(fresh);
        fresh.create(after.record());
        await("subscribed again").atMost(Duration.ofSeconds(2)).until(() -> accepted(replica, after.key()));
    }

    @Test
    void aRecordThatCannotBeReadIsRefusedAndLoggedWithoutItsValue() throws Exception {
        Made good = make();
        Made bad = make();
        writer().create(good.record());
        String hash = bad.record().hash();
        assertThat(redis.command("HSET " + PREFIX + "keys " + bad.record().id() + " '{\"id\":\"" + bad.record().id()
                + "\",\"hash\":\"" + hash + "\"}'")).startsWith(":");
        KeyIndex replica = replica(Duration.ofHours(1));
        assertThat(accepted(replica, good.key())).isTrue();
        assertThat(refusal(replica, bad.key())).contains("invalid");
        String text = logs.list.stream().map(ILoggingEvent::getFormattedMessage).toList().toString();
        assertThat(text).contains(bad.record().id()).contains("createdAt").doesNotContain(hash);
    }

    @Test
    void aRedisThatCannotBeReachedAtStartIsAnErrorNamingIt() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        KeyIndex index = new KeyIndex(secret, Clock.systemUTC());
        assertThatThrownBy(() -> RedisKeyStore.open(new AuthConfig.RedisKeys(store(closed), Duration.ofSeconds(30)),
                index, name -> null)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("127.0.0.1:" + closed);
    }
}
