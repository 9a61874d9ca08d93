package dev.switchboard.policy.limits;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.policy.Principal;
import dev.switchboard.policy.Quota;
import dev.switchboard.policy.usage.Price;
import dev.switchboard.policy.usage.PriceTable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class LocalRateLimiterTest {
    /** 2026-01-01T00:00:00Z, a budget-window boundary for day periods. */
    static final long T0 = 1_767_225_600_000L;
    static final Price PRICE = new Price(2_500_000, 10_000_000, 1_250_000);
    static final PriceTable PRICES = new PriceTable(Map.of("gpt-4o", PRICE), Map.of());

    final FakeClock clock = new FakeClock(T0);

    static Principal principal(String id, Quota quota) {
        return new Principal(id, Principal.Source.VIRTUAL_KEY, Map.of(), Set.of(), Set.of(), quota);
    }

    LocalRateLimiter limiter(RateLimitPolicy policy) {
        return new LocalRateLimiter(new LimitResolver(policy, PRICES), clock);
    }

    LocalRateLimiter limiter(Quota quota) {
        return limiter(RateLimitPolicy.DEFAULT);
    }

    static ReservationRequest req(Principal p, long prompt, long maxOut) {
        return new ReservationRequest(p, "gpt-4o", null, prompt, maxOut);
    }

    static Reservation.Granted granted(Reservation r) {
        assertThat(r).isInstanceOf(Reservation.Granted.class);
        return (Reservation.Granted) r;
    }

    static Refusal refused(Reservation r) {
        assertThat(r).isInstanceOf(Reservation.Refused.class);
        return ((Reservation.Refused) r).refusal();
    }

    @Test
    void requestsPerMinuteRefillOneEmissionIntervalAtATime() {
        LocalRateLimiter l = limiter(RateLimitPolicy.DEFAULT);
        Principal p = principal("a", new Quota(3, -1, null));
        Reservation.Granted first = granted(l.reserveNow(req(p, 10, 100)));
        assertThat(first.headers()).containsEntry("x-ratelimit-limit-requests", "3")
                .containsEntry("x-ratelimit-remaining-requests", "2")
                .containsEntry("x-ratelimit-reset-requests", "20s")
                .doesNotContainKey("x-ratelimit-limit-tokens");
        granted(l.reserveNow(req(p, 10, 100)));
        granted(l.reserveNow(req(p, 10, 100)));
        Refusal r = refused(l.reserveNow(req(p, 10, 100)));
        assertThat(r.status()).isEqualTo(429);
        assertThat(r.code()).isEqualTo("rate_limit_exceeded");
        assertThat(r.retryAfterSeconds()).isEqualTo(20);
        assertThat(r.headers()).containsEntry("retry-after", "20").containsEntry("x-ratelimit-remaining-requests", "0")
                .containsEntry("x-ratelimit-reset-requests", "1m0s");
        assertThat(r.message()).contains("principal 'a'", "3 requests per minute");

        clock.advance(19_999);
        refused(l.reserveNow(req(p, 10, 100)));
        clock.advance(1);
        Reservation.Granted again = granted(l.reserveNow(req(p, 10, 100)));
        assertThat(again.headers()).containsEntry("x-ratelimit-remaining-requests", "0");
    }

    @Test
    void outputIsClampedToTheTokensLeftAndThenRefusedWithTheWaitForAMinimalAnswer() {
        LocalRateLimiter l = limiter(RateLimitPolicy.DEFAULT);
        Principal p = principal("a", new Quota(-1, 1000, null));
        Reservation.Granted g = granted(l.reserveNow(req(p, 300, 1000)));
        assertThat(g.maxOutputTokens()).isEqualTo(700);
        assertThat(g.rewrite()).isTrue();
        assertThat(g.headers()).containsEntry("x-switchboard-max-tokens", "700")
                .containsEntry("x-ratelimit-remaining-tokens", "0")
                .containsEntry("x-ratelimit-reset-tokens", "1m0s");
        assertThat(g.ticket().reservedTokens()).isEqualTo(1000);

        // needs 300 + 16 (minOutputTokens) = 316 tokens: 316 * 60 ms per token = 18,960 ms -> Retry-After 19
        Refusal r = refused(l.reserveNow(req(p, 300, 1000)));
        assertThat(r.retryAfterSeconds()).isEqualTo(19);
        clock.advance(18_959);
        refused(l.reserveNow(req(p, 300, 1000)));
        clock.advance(1);
        assertThat(granted(l.reserveNow(req(p, 300, 1000))).maxOutputTokens()).isEqualTo(16);
    }

    @Test
    void aRequestWithinItsLimitsIsNotClampedAndKeepsItsBound() {
        LocalRateLimiter l = limiter(RateLimitPolicy.DEFAULT);
        Principal p = principal("a", new Quota(10, 10_000, null));
        Reservation.Granted g = granted(l.reserveNow(req(p, 300, 500)));
        assertThat(g.maxOutputTokens()).isEqualTo(500);
        assertThat(g.rewrite()).isFalse();
        assertThat(g.headers()).doesNotContainKey("x-switchboard-max-tokens")
                .containsEntry("x-ratelimit-remaining-tokens", "9200")
                .containsEntry("x-ratelimit-reset-tokens", "4.8s");
        // no bound from the client: the default is reserved and must be written into the request
        Reservation.Granted unbounded = granted(l.reserveNow(req(p, 0, -1)));
        assertThat(unbounded.maxOutputTokens()).isEqualTo(4096);
        assertThat(unbounded.rewrite()).isTrue();
    }

    @Test
    void budgetClampsOutputToWhatTheMoneyLeftBuysAndRefusesUntilTheWindowEnds() {
        LocalRateLimiter l = limiter(RateLimitPolicy.DEFAULT);
        // $0.01 a day; prompt 1000 tokens = 2,500 µ$; output 10 µ$ a token -> 750 tokens fit
        Principal p = principal("a", new Quota(-1, -1, new Quota.Budget(10_000, Duration.ofDays(1))));
        Reservation.Granted g = granted(l.reserveNow(req(p, 1000, 2000)));
        assertThat(g.maxOutputTokens()).isEqualTo(750);
        assertThat(g.ticket().reservedMicros()).isEqualTo(10_000);
        clock.advance(3_600_000);
        Refusal r = refused(l.reserveNow(req(p, 10, 100)));
        assertThat(r.status()).isEqualTo(429);
        assertThat(r.code()).isEqualTo("insufficient_quota");
        assertThat(r.retryAfterSeconds()).isEqualTo(23 * 3600);
        assertThat(r.message()).contains("$0.01 per 24h0m0s", "renews in 23h0m0s");
        clock.advance(23 * 3_600_000L);
        assertThat(granted(l.reserveNow(req(p, 1000, 2000))).maxOutputTokens()).isEqualTo(750);
    }

    @Test
    void settleReplacesTheReservationWithWhatACutStreamProduced() {
        LocalRateLimiter l = limiter(RateLimitPolicy.DEFAULT);
        Principal p = principal("a", new Quota(-1, 1000, new Quota.Budget(10_000, Duration.ofDays(1))));
        Reservation.Granted g = granted(l.reserveNow(req(p, 100, 500)));   // 600 tokens, 250 + 5000 µ$ reserved
        g.ticket().settle(100, 50, 40).toCompletableFuture().join();      // cut after 50 tokens; 40 prompt cached
        // tokens: 1000 - 150 = 850 left; money: 60*2.5 + 40*1.25 + 50*10 = 150 + 50 + 500 = 700 µ$ spent
        Reservation.Granted next = granted(l.reserveNow(req(p, 100, 100_000)));
        assertThat(next.maxOutputTokens()).isEqualTo(750);   // tokens bind: 850 - 100
        // money left 9300; 100 prompt = 250 µ$; 9050 / 10 = 905 tokens: not binding
        g.ticket().settle(0, 0, 0).toCompletableFuture().join();  // a second settle is a no-op
        assertThat(refused(l.reserveNow(req(p, 100, 100))).code()).isEqualTo("rate_limit_exceeded");
    }

    @Test
    void aTicketNeverSettledStaysChargedAtItsReservation() {
        RateLimitPolicy policy = new RateLimitPolicy(16, 4096, Duration.ofMinutes(1), Quota.NONE, List.of(),
                List.of(), null);
        LocalRateLimiter l = limiter(policy);
        Principal p = principal("a", new Quota(-1, -1, new Quota.Budget(10_000, Duration.ofDays(1))));
        Reservation.Granted g = granted(l.reserveNow(req(p, 0, 900)));   // 9000 µ$
        clock.advance(60_001);
        g.ticket().settle(0, 0, 0).toCompletableFuture().join();        // too late: ignored
        assertThat(granted(l.reserveNow(req(p, 0, 900))).maxOutputTokens()).isEqualTo(100);
    }

    @Test
    void aSettleWithinTheLifetimeRefunds() {
        RateLimitPolicy policy = new RateLimitPolicy(16, 4096, Duration.ofMinutes(1), Quota.NONE, List.of(),
                List.of(), null);
        LocalRateLimiter l = limiter(policy);
        Principal p = principal("a", new Quota(-1, -1, new Quota.Budget(10_000, Duration.ofDays(1))));
        Reservation.Granted g = granted(l.reserveNow(req(p, 0, 900)));
        clock.advance(60_000);
        g.ticket().settle(0, 0, 0).toCompletableFuture().join();
        assertThat(granted(l.reserveNow(req(p, 0, 900))).maxOutputTokens()).isEqualTo(900);
    }

    @Test
    void modelAndRouteLimitsAreSharedByEveryCallerAndTheTightestNamesTheHeaders() {
        RateLimitPolicy policy = new RateLimitPolicy(16, 4096, Duration.ofMinutes(15), Quota.NONE,
                List.of(new RateLimitPolicy.ScopeLimits("gpt-4", true, new Quota(-1, 1000, null), TokenType.OUTPUT)),
                List.of(new RateLimitPolicy.ScopeLimits("main", false, new Quota(2, -1, null), TokenType.TOTAL)),
                null);
        LocalRateLimiter l = limiter(policy);
        Principal a = principal("a", new Quota(100, 100_000, null));
        Principal b = principal("b", Quota.NONE);
        // the model limit counts output only: a 5,000-token prompt passes, and 600 output are reserved
        Reservation.Granted g = granted(l.reserveNow(new ReservationRequest(a, "gpt-4o", "main", 5000, 600)));
        assertThat(g.headers()).containsEntry("x-ratelimit-limit-tokens", "1000")
                .containsEntry("x-ratelimit-remaining-tokens", "400")
                .containsEntry("x-ratelimit-limit-requests", "2")
                .containsEntry("x-ratelimit-remaining-requests", "1");
        Reservation.Granted h = granted(l.reserveNow(new ReservationRequest(b, "gpt-4-turbo", "main", 10, 600)));
        assertThat(h.maxOutputTokens()).isEqualTo(400);
        Refusal r = refused(l.reserveNow(new ReservationRequest(b, "o1", "main", 10, 600)));
        assertThat(r.message()).contains("route 'main'");
        // another route and another model: untouched
        granted(l.reserveNow(new ReservationRequest(b, "o1", "other", 10, 600)));
    }

    @Test
    void aRequestNoWindowCanHoldIsA400AndABudgetWithoutAPriceIsA500() {
        LocalRateLimiter l = limiter(RateLimitPolicy.DEFAULT);
        Refusal big = refused(l.reserveNow(req(principal("a", new Quota(-1, 1000, null)), 2000, 10)));
        assertThat(big.status()).isEqualTo(400);
        assertThat(big.code()).isEqualTo("request_exceeds_limit");
        assertThat(big.retryAfterSeconds()).isEqualTo(-1);
        assertThat(big.headers()).doesNotContainKey("retry-after");
        Principal withBudget = principal("a", new Quota(-1, -1, new Quota.Budget(10_000, Duration.ofDays(1))));
        Refusal unpriced = refused(l.reserveNow(new ReservationRequest(withBudget, "mystery", null, 1, 1)));
        assertThat(unpriced.status()).isEqualTo(500);
        assertThat(unpriced.message()).contains("'mystery'", "PriceTable");
        // without a budget, an unpriced model is fine
        granted(l.reserveNow(new ReservationRequest(principal("b", new Quota(5, -1, null)), "mystery", null, 1, 1)));
    }

    @Test
    void principalDefaultsFillWhatTheQuotaLeavesUnset() {
        RateLimitPolicy policy = new RateLimitPolicy(16, 4096, Duration.ofMinutes(15), new Quota(1, 500, null),
                List.of(), List.of(), null);
        LocalRateLimiter l = limiter(policy);
        Principal p = principal("a", new Quota(-1, 10_000, null));
        assertThat(granted(l.reserveNow(req(p, 0, 5000))).maxOutputTokens()).isEqualTo(5000);  // own tokens win
        refused(l.reserveNow(req(p, 0, 10)));                                                  // default 1 rpm
    }

    @Test
    void idleKeysAreEvictedAndKeysWithSpendInTheirWindowAreKept() {
        LocalRateLimiter l = limiter(RateLimitPolicy.DEFAULT);
        for (int i = 0; i < 100; i++) {
            granted(l.reserveNow(req(principal("p" + i, new Quota(10, 1000, null)), 10, 10)));
        }
        granted(l.reserveNow(req(principal("spender", new Quota(-1, -1,
                new Quota.Budget(1_000_000, Duration.ofDays(1)))), 10, 10)));
        assertThat(l.keys()).isEqualTo(201);
        // one request in a 10-per-minute bucket drains in 6 s; 20 tokens of 1000 per minute in 1.2 s
        clock.advance(1_000);
        l.evictIdle();
        assertThat(l.keys()).isEqualTo(201);   // buckets still draining
        clock.advance(5_000);
        l.evictIdle();
        assertThat(l.keys()).isEqualTo(1);     // the budget's spend is kept until its day ends
        clock.advance(86_400_000);
        l.evictIdle();
        assertThat(l.keys()).isZero();
        // an evicted key comes back fresh
        assertThat(granted(l.reserveNow(req(principal("p1", new Quota(10, 1000, null)), 10, 10)))
                .headers()).containsEntry("x-ratelimit-remaining-requests", "9");
    }

    @Test
    void concurrentReservationsNeverOverspendASharedBudget() throws Exception {
        LocalRateLimiter l = limiter(RateLimitPolicy.DEFAULT);
        Principal p = principal("shared", new Quota(-1, -1, new Quota.Budget(1_000_000, Duration.ofDays(1))));
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Long>> spent = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                spent.add(pool.submit(() -> {
                    long sum = 0;
                    while (l.reserveNow(req(p, 100, 300)) instanceof Reservation.Granted g) {
                        sum += g.ticket().reservedMicros();
                    }
                    return sum;
                }));
            }
            long total = 0;
            for (Future<Long> f : spent) {
                total += f.get();
            }
            assertThat(total).isLessThanOrEqualTo(1_000_000).isGreaterThan(1_000_000 - 3_250);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void durationsAreWrittenTheWayOpenAiWritesThem() {
        assertThat(RateLimitHeaders.duration(0)).isEqualTo("0ms");
        assertThat(RateLimitHeaders.duration(20)).isEqualTo("20ms");
        assertThat(RateLimitHeaders.duration(1000)).isEqualTo("1s");
        assertThat(RateLimitHeaders.duration(1500)).isEqualTo("1.5s");
        assertThat(RateLimitHeaders.duration(360_000)).isEqualTo("6m0s");
        assertThat(RateLimitHeaders.duration(3_723_004)).isEqualTo("1h2m3.004s");
    }
}
