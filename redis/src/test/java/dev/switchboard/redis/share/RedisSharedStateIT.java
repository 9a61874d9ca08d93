package dev.switchboard.redis.share;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.switchboard.core.config.ModelRewrites;
import dev.switchboard.core.config.PoolConfig;
import dev.switchboard.picker.pool.Decision;
import dev.switchboard.picker.pool.InferencePool;
import dev.switchboard.picker.pool.InferencePools;
import dev.switchboard.picker.pool.Lease;
import dev.switchboard.picker.pool.MetricsSource;
import dev.switchboard.picker.pool.PoolEnvironment;
import dev.switchboard.picker.pool.RequestSpec;
import dev.switchboard.picker.scheduling.EndpointState;
import dev.switchboard.testing.RedisServerProcess;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Two replicas' pools sharing state through a real redis-server: blocks one sends, the other routes by; counts one
 * holds, the other sees; a replica that stops is forgotten; Redis killed and restarted under them.
 */
class RedisSharedStateIT {
    static final List<String> ENDPOINTS = List.of("10.0.0.1:8000", "10.0.0.2:8000", "10.0.0.3:8000", "10.0.0.4:8000");

    RedisServerProcess redis;
    final List<AutoCloseable> closing = new ArrayList<>();
    final ListAppender<ILoggingEvent> logs = new ListAppender<>();

    record Replica(RedisSharedState sharing, InferencePools pools) {
        InferencePool pool() {
            return pools.get("chat");
        }
    }

    @BeforeEach
    void start() throws Exception {
        assumeTrue(RedisServerProcess.installed(), "redis-server is not installed (apt-get install -y redis-server)");
        redis = RedisServerProcess.start();
        logs.start();
        ((Logger) LoggerFactory.getLogger(RedisSharedState.class)).addAppender(logs);
    }

    @AfterEach
    void stop() throws Exception {
        ((Logger) LoggerFactory.getLogger(RedisSharedState.class)).detachAppender(logs);
        for (AutoCloseable c : closing.reversed()) {
            c.close();
        }
        if (redis != null) {
            redis.kill();
        }
    }

    Replica replica(String prefix) throws Exception {
        RedisSharedState sharing = new RedisSharedState(new ShareUri("127.0.0.1", redis.port, false, prefix), null,
                System::nanoTime, System::currentTimeMillis, System.nanoTime());
        MetricsSource none = (endpoint, interval, pages) -> () -> {}; // load comes from leases and peers only
        InferencePools pools = new InferencePools(new PoolEnvironment(none, (task, delay) -> {}, System::nanoTime,
                sharing));
        pools.apply(List.of(new PoolConfig("chat", Map.of(), List.of(), ENDPOINTS.stream().map(a -> new PoolConfig.Member(
                a.split(":")[0], 8000, Map.of())).toList(), List.of(), ModelRewrites.NONE, List.of(), null)));
        sharing.start(pools);
        closing.add(sharing);
        closing.add(pools);
        return new Replica(sharing, pools);
    }

    static RequestSpec prompt(int n) {
        String text = ("You are assistant number " + n + ". Answer briefly. ").repeat(60) + "question " + n;
        return new RequestSpec("m", null, null, null, text, text.length() / 4, Map.of(), text.length(), null);
    }

    static String pick(InferencePool pool, int n) {
        Decision d = pool.request(prompt(n)).pick();
        return d.picked().get(0).address();
    }

    static void awaitConnected(Replica... replicas) {
        // a cold JVM's first Lettuce connections (class loading, event loops) take seconds on a busy 2-core machine
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> {
            for (Replica r : replicas) {
                if (!r.sharing().stats().connected()) {
                    return false;
                }
            }
            return true;
        });
    }

    @Test
    void aReplicaRoutesAPromptWhereItsPeerSentIt() throws Exception {
        Replica one = replica("t1");
        Replica two = replica("t1");
        awaitConnected(one, two);
        int perPick = learners(one);
        for (int n = 0; n < 20; n++) {
            String warmed = pick(one.pool(), n);
            awaitRecords(two, (n + 1) * perPick); // the records cross Redis within a flush or two
            assertThat(pick(two.pool(), n)).as("prompt %d", n).isEqualTo(warmed);
        }
        assertThat(two.sharing().stats().received()).isPositive();
        assertThat(one.sharing().stats().published()).isPositive();
    }

    /**
     * Waits until {@code r} has applied {@code n} of its peers' pick records (polling a counter: a pick to see
     * whether it arrived would itself record, and tell the peer).
     */
    /** Pick records per pick: one from each plugin that learns prefixes (the default's filter and scorer). */
    static int learners(Replica r) {
        return r.pool().picker().profile().learners().size();
    }

    static void awaitRecords(Replica r, long n) {
        Awaitility.await().atMost(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(2))
                .until(() -> r.sharing().stats().recordsApplied() >= n);
    }

    @Test
    void peersOnAnotherPrefixAreNotHeard() throws Exception {
        Replica one = replica("t2a");
        Replica two = replica("t2b");
        awaitConnected(one, two);
        Lease lease = one.pool().request(prompt(1)).started(one.pool().endpoint(ENDPOINTS.get(0)));

        // one's heartbeats go out every 100 ms; after a second of them two still hears nothing
        Awaitility.await().pollDelay(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2))
                .until(() -> one.sharing().stats().published() >= 3);
        assertThat(two.sharing().stats().peers()).isZero();
        assertThat(inFlight(two.pool(), ENDPOINTS.get(0))).isZero();
        lease.close();
    }

    @Test
    void aPeersInFlightCountsShowUntilItGoesSilent() throws Exception {
        Replica one = replica("t3");
        Replica two = replica("t3");
        awaitConnected(one, two);
        Lease a = one.pool().request(prompt(1)).started(one.pool().endpoint(ENDPOINTS.get(0)));
        Lease b = one.pool().request(prompt(2)).started(one.pool().endpoint(ENDPOINTS.get(0)));

        Awaitility.await().atMost(Duration.ofSeconds(2)).until(() -> inFlight(two.pool(), ENDPOINTS.get(0)) == 2);
        assertThat(inFlight(one.pool(), ENDPOINTS.get(0))).isEqualTo(2); // its own once: its echo is ignored
        a.close();
        Awaitility.await().atMost(Duration.ofSeconds(2)).until(() -> inFlight(two.pool(), ENDPOINTS.get(0)) == 1);

        one.sharing().close(); // stands for a crash: no more heartbeats, its lease never closes
        long silent = System.nanoTime();
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> inFlight(two.pool(), ENDPOINTS.get(0)) == 0);
        assertThat(System.nanoTime() - silent).isGreaterThan(TimeUnit.MILLISECONDS.toNanos(200)); // not before ~3 beats
        assertThat(two.sharing().stats().peers()).isZero();
        b.close();
    }

    @Test
    void redisKilledLeavesEachReplicaAloneAndRestartedResumesSharing() throws Exception {
        Replica one = replica("t4");
        Replica two = replica("t4");
        awaitConnected(one, two);
        Lease held = one.pool().request(prompt(1)).started(one.pool().endpoint(ENDPOINTS.get(1)));
        Awaitility.await().atMost(Duration.ofSeconds(2)).until(() -> inFlight(two.pool(), ENDPOINTS.get(1)) == 1);

        redis.kill();
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> !one.sharing().stats().connected()
                && !two.sharing().stats().connected());
        assertThat(inFlight(two.pool(), ENDPOINTS.get(1))).isZero(); // peers' counts dropped with the channel
        for (int n = 0; n < 50; n++) { // picks go on, and the records are counted as not sent
            int prompt = n;
            assertThatCode(() -> pick(one.pool(), prompt)).doesNotThrowAnyException();
        }
        assertThat(one.sharing().stats().droppedRecords()).isGreaterThanOrEqualTo(50);

        redis.startAgain();
        awaitConnected(one, two);
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> inFlight(two.pool(), ENDPOINTS.get(1)) == 1);
        long before = two.sharing().stats().recordsApplied();
        String warmed = pick(one.pool(), 1000);
        awaitRecords(two, before + learners(one));
        assertThat(pick(two.pool(), 1000)).isEqualTo(warmed);
        held.close();

        long downs = logs.list.stream().filter(e -> e.getFormattedMessage().contains("cannot be reached")).count();
        assertThat(downs).as("one warning per replica for the outage").isEqualTo(2);
    }

    static int inFlight(InferencePool pool, String address) {
        for (EndpointState s : pool.states()) {
            if (s.endpoint().address().equals(address)) {
                return s.inFlightRequests();
            }
        }
        throw new AssertionError(address);
    }
}
