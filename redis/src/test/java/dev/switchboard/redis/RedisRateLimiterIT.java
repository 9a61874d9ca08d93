package dev.switchboard.redis;

import dev.switchboard.testing.RedisServerProcess;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.switchboard.policy.Principal;
import dev.switchboard.policy.Quota;
import dev.switchboard.policy.limits.LimitResolver;
import dev.switchboard.policy.limits.RateLimitPolicy;
import dev.switchboard.policy.limits.Refusal;
import dev.switchboard.policy.limits.Reservation;
import dev.switchboard.policy.limits.ReservationRequest;
import dev.switchboard.policy.usage.Price;
import dev.switchboard.policy.usage.PriceTable;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class RedisRateLimiterIT {
    static final Price PRICE = new Price(2_500_000, 10_000_000, 1_250_000);
    static final LimitResolver RESOLVER = new LimitResolver(RateLimitPolicy.DEFAULT,
            new PriceTable(Map.of("gpt-4o", PRICE), Map.of()));
    static final String PREFIX = "test:";

    RedisServerProcess redis;
    final List<RedisRateLimiter> replicas = new ArrayList<>();
    final ListAppender<ILoggingEvent> logs = new ListAppender<>();

    @BeforeEach
    void start() throws Exception {
        assumeTrue(RedisServerProcess.installed(), "redis-server is not installed (apt-get install -y redis-server)");
        redis = RedisServerProcess.start();
        logs.start();
        ((Logger) LoggerFactory.getLogger(RedisRateLimiter.class)).addAppender(logs);
    }

    @AfterEach
    void stop() throws Exception {
        ((Logger) LoggerFactory.getLogger(RedisRateLimiter.class)).detachAppender(logs);
        replicas.forEach(RedisRateLimiter::close);
        if (redis != null) {
            redis.close();
        }
    }

    RedisRateLimiter replica() {
        RedisRateLimiter r = RedisRateLimiter.create(RESOLVER, new RateLimitPolicy.RedisStore("127.0.0.1", redis.port,
                null, Duration.ofMillis(250), PREFIX), name -> null, Clock.systemUTC());
        replicas.add(r);
        return r;
    }

    static Principal principal(String id, Quota q) {
        return new Principal(id, Principal.Source.VIRTUAL_KEY, Map.of(), Set.of(), Set.of(), q);
    }

    static Reservation reserve(RedisRateLimiter r, Principal p, long prompt, long maxOut) {
        return r.reserve(new ReservationRequest(p, "gpt-4o", null, prompt, maxOut)).toCompletableFuture().join();
    }

    @Test
    void reservesClampsAndSettlesInRedis() throws Exception {
        RedisRateLimiter r = replica();
        assertThat(r.state()).isEqualTo(RedisRateLimiter.State.SHARED);
        Principal p = principal("a", new Quota(10, 1000, null));
        Reservation.Granted g = (Reservation.Granted) reserve(r, p, 300, 1000);
        assertThat(g.maxOutputTokens()).isEqualTo(700);
        assertThat(g.headers()).containsEntry("x-switchboard-max-tokens", "700")
                .containsEntry("x-ratelimit-remaining-tokens", "0")
                .containsEntry("x-ratelimit-limit-requests", "10")
                .containsEntry("x-ratelimit-remaining-requests", "9");
        Refusal refused = ((Reservation.Refused) reserve(r, p, 300, 1000)).refusal();
        assertThat(refused.status()).isEqualTo(429);
        assertThat(refused.retryAfterSeconds()).isBetween(18L, 19L);   // 316 tokens at 60 ms each, on Redis's clock
        // a stream cut after 10 tokens: the bucket keeps 310 tokens (310 * 60,000 token-ms), less what drained since
        g.ticket().settle(300, 10, 0).toCompletableFuture().join();
        long level = redis.hashField(PREFIX + "p/a/tokens", "v");
        assertThat(level).isLessThanOrEqualTo(310L * 60_000).isGreaterThan(300L * 60_000);
    }

    @Test
    void twoReplicasUnderFiftyClientsNeverOverspendOneBudget() throws Exception {
        RedisRateLimiter a = replica();
        RedisRateLimiter b = replica();
        Principal p = principal("shared", new Quota(-1, -1, new Quota.Budget(1_000_000, Duration.ofDays(1))));
        AtomicLong spent = new AtomicLong();
        AtomicLong maxReservation = new AtomicLong();
        ExecutorService clients = Executors.newFixedThreadPool(50);
        try {
            List<Future<Integer>> done = new ArrayList<>();
            for (int c = 0; c < 50; c++) {
                RedisRateLimiter replica = c % 2 == 0 ? a : b;
                done.add(clients.submit(() -> {
                    int granted = 0;
                    while (reserve(replica, p, 100, 300) instanceof Reservation.Granted g) {
                        granted++;
                        maxReservation.accumulateAndGet(g.ticket().reservedMicros(), Math::max);
                        long out = ThreadLocalRandom.current().nextLong(g.maxOutputTokens() + 1);  // streams cut anywhere
                        spent.addAndGet(PRICE.costMicros(100, out, 0));
                        g.ticket().settle(100, out, 0).toCompletableFuture().join();
                    }
                    return granted;
                }));
            }
            int total = 0;
            for (Future<Integer> f : done) {
                total += f.get(60, TimeUnit.SECONDS);
            }
            assertThat(total).isGreaterThan(300);   // refunds let more than 1,000,000 / 3,250 requests through
        } finally {
            clients.shutdownNow();
        }
        assertThat(spent.get()).isLessThanOrEqualTo(1_000_000 + maxReservation.get());
        assertThat(redis.hashField(PREFIX + "p/shared/budget", "v")).isEqualTo(spent.get());
        assertThat(a.state()).isEqualTo(RedisRateLimiter.State.SHARED);
    }

    @Test
    void redisKilledFallsBackLocallyWithoutAFailedRequestAndReconcilesWhenBack() throws Exception {
        RedisRateLimiter a = replica();
        RedisRateLimiter b = replica();
        // rates slow enough that what the outage used is still in their buckets at the hand-over (200 requests of a
        // 1,000 per minute limit drain in 12 s)
        Principal p = principal("team", new Quota(1_000, 100_000, new Quota.Budget(100_000_000, Duration.ofDays(1))));
        for (int i = 0; i < 10; i++) {
            ((Reservation.Granted) reserve(i % 2 == 0 ? a : b, p, 100, 100)).ticket().settle(100, 50, 0)
                    .toCompletableFuture().join();
        }
        redis.kill();

        AtomicLong spentDuringOutage = new AtomicLong();
        ExecutorService clients = Executors.newFixedThreadPool(50);
        try {
            List<Future<Boolean>> decided = new ArrayList<>();
            for (int c = 0; c < 50; c++) {
                RedisRateLimiter replica = c % 2 == 0 ? a : b;
                decided.add(clients.submit(() -> {
                    for (int i = 0; i < 4; i++) {
                        Reservation r = reserve(replica, p, 100, 100);
                        if (!(r instanceof Reservation.Granted g)) {
                            return false;
                        }
                        spentDuringOutage.addAndGet(PRICE.costMicros(100, 40, 0));
                        g.ticket().settle(100, 40, 0).toCompletableFuture().join();
                    }
                    return true;
                }));
            }
            for (Future<Boolean> f : decided) {
                assertThat(f.get(60, TimeUnit.SECONDS)).isTrue();   // every request decided, none failed or refused
            }
        } finally {
            clients.shutdownNow();
        }
        assertThat(a.state()).isEqualTo(RedisRateLimiter.State.LOCAL_FALLBACK);
        assertThat(b.state()).isEqualTo(RedisRateLimiter.State.LOCAL_FALLBACK);
        assertThat(logs.list.stream().filter(e -> e.getLevel() == Level.WARN).count()).isEqualTo(2);   // once each

        redis.startAgain();   // empty: what it holds afterwards is what the replicas handed over
        Principal poller = principal("poller", Quota.NONE);
        Awaitility.await().atMost(30, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(200)).until(() -> {
            reserve(a, poller, 1, 1);
            reserve(b, poller, 1, 1);
            return a.state() == RedisRateLimiter.State.SHARED && b.state() == RedisRateLimiter.State.SHARED;
        });
        Awaitility.await().atMost(5, TimeUnit.SECONDS)
                .until(() -> redis.hashField(PREFIX + "p/team/budget", "v") == spentDuringOutage.get());
        // the rates got what is still inside their minute (the bucket drains meanwhile, on both sides)
        assertThat(redis.hashField(PREFIX + "p/team/requests", "v")).isPositive().isLessThanOrEqualTo(200L * 60_000);
        assertThat(redis.hashField(PREFIX + "p/team/tokens", "v")).isPositive().isLessThanOrEqualTo(200L * 140 * 60_000);
        assertThat(logs.list.stream().filter(e -> e.getFormattedMessage().contains("is back")).count()).isEqualTo(2);
        // and shared again: a reservation goes through Redis
        reserve(a, p, 100, 100);
        assertThat(redis.hashField(PREFIX + "p/team/budget", "v")).isEqualTo(spentDuringOutage.get() + 1250);
    }

    @Test
    void luaClampsAndRefusesExactlyAsTheLocalLimiterDoes() {
        RedisRateLimiter shared = replica();
        dev.switchboard.policy.limits.LocalRateLimiter local =
                new dev.switchboard.policy.limits.LocalRateLimiter(RESOLVER, Clock.systemUTC());
        Principal p = principal("mirror", new Quota(-1, -1, new Quota.Budget(50_000, Duration.ofDays(1))));
        long[][] requests = {{1000, 2000}, {3000, 1000}, {0, 4096}, {17, 3}, {4000, 10}, {10, 100}, {1, 1}};
        for (long[] r : requests) {
            Reservation viaRedis = reserve(shared, p, r[0], r[1]);
            Reservation viaMemory = local.reserveNow(new ReservationRequest(p, "gpt-4o", null, r[0], r[1]));
            assertThat(viaRedis.getClass()).isEqualTo(viaMemory.getClass());
            if (viaRedis instanceof Reservation.Granted g) {
                assertThat(g.maxOutputTokens()).isEqualTo(((Reservation.Granted) viaMemory).maxOutputTokens());
                assertThat(g.headers()).isEqualTo(((Reservation.Granted) viaMemory).headers());
            } else {
                Refusal a = ((Reservation.Refused) viaRedis).refusal();
                Refusal b = ((Reservation.Refused) viaMemory).refusal();
                assertThat(a.status()).isEqualTo(b.status());
                assertThat(a.code()).isEqualTo(b.code());
            }
        }
    }

    @Test
    void aTicketSettledAfterItsLifetimeStaysChargedAtItsReservation() throws Exception {
        AtomicLong now = new AtomicLong(System.currentTimeMillis());
        java.time.InstantSource clock = () -> java.time.Instant.ofEpochMilli(now.get());
        RedisRateLimiter r = RedisRateLimiter.create(RESOLVER, new RateLimitPolicy.RedisStore("127.0.0.1", redis.port,
                null, Duration.ofMillis(250), PREFIX), name -> null, clock);
        replicas.add(r);
        Principal p = principal("late", new Quota(-1, -1, new Quota.Budget(100_000, Duration.ofDays(1))));
        Reservation.Granted g = (Reservation.Granted) reserve(r, p, 0, 1000);   // 10,000 µ$
        now.addAndGet(RateLimitPolicy.DEFAULT.ticketLifetime().toMillis() + 1);
        g.ticket().settle(0, 1, 0).toCompletableFuture().join();
        assertThat(redis.hashField(PREFIX + "p/late/budget", "v")).isEqualTo(10_000);
        Reservation.Granted h = (Reservation.Granted) reserve(r, p, 0, 1000);
        h.ticket().settle(0, 1, 0).toCompletableFuture().join();               // in time: 9,990 µ$ back
        assertThat(redis.hashField(PREFIX + "p/late/budget", "v")).isEqualTo(10_010);
    }

    @Test
    void theRedisPasswordNeverReachesTheLogs() throws Exception {
        redis.command("CONFIG SET requirepass right-password");
        RedisRateLimiter r = RedisRateLimiter.create(RESOLVER, new RateLimitPolicy.RedisStore("127.0.0.1", redis.port,
                "SB_TEST_REDIS_PASSWORD", Duration.ofMillis(250), PREFIX), name -> "wrong-secret-xyz",
                Clock.systemUTC());
        replicas.add(r);
        assertThat(r.state()).isEqualTo(RedisRateLimiter.State.LOCAL_FALLBACK);
        assertThat(reserve(r, principal("a", new Quota(5, -1, null)), 1, 1)).isInstanceOf(Reservation.Granted.class);
        assertThat(logs.list).isNotEmpty().allSatisfy(e -> {
            assertThat(e.getFormattedMessage()).doesNotContain("wrong-secret-xyz");
            if (e.getThrowableProxy() != null) {
                assertThat(e.getThrowableProxy().getMessage()).doesNotContain("wrong-secret-xyz");
            }
        });
        assertThat(r.toString()).doesNotContain("wrong-secret-xyz");
    }

    @Test
    void redisKilledWhileFiftyClientsAreMidRequestLeavesNoRequestUndecided() throws Exception {
        RedisRateLimiter a = replica();
        RedisRateLimiter b = replica();
        Principal p = principal("busy", new Quota(1_000_000, 100_000_000, new Quota.Budget(1_000_000_000,
                Duration.ofDays(1))));
        AtomicLong decided = new AtomicLong();
        java.util.concurrent.CountDownLatch warmedUp = new java.util.concurrent.CountDownLatch(200);
        ExecutorService clients = Executors.newFixedThreadPool(50);
        try {
            List<Future<Integer>> done = new ArrayList<>();
            for (int c = 0; c < 50; c++) {
                RedisRateLimiter replica = c % 2 == 0 ? a : b;
                done.add(clients.submit(() -> {
                    int granted = 0;
                    for (int i = 0; i < 40; i++) {
                        if (reserve(replica, p, 50, 50) instanceof Reservation.Granted g) {
                            granted++;
                            g.ticket().settle(50, 20, 0).toCompletableFuture().join();
                        }
                        decided.incrementAndGet();
                        warmedUp.countDown();
                    }
                    return granted;
                }));
            }
            assertThat(warmedUp.await(30, TimeUnit.SECONDS)).isTrue();
            redis.kill();   // while requests and settlements are in flight
            int granted = 0;
            for (Future<Integer> f : done) {
                granted += f.get(60, TimeUnit.SECONDS);   // no exception: every stage completed normally
            }
            assertThat(granted).isEqualTo(2000);         // generous limits: every request granted, none failed
            assertThat(decided.get()).isEqualTo(2000);
        } finally {
            clients.shutdownNow();
        }
        assertThat(a.state()).isEqualTo(RedisRateLimiter.State.LOCAL_FALLBACK);
        assertThat(b.state()).isEqualTo(RedisRateLimiter.State.LOCAL_FALLBACK);
    }
}
