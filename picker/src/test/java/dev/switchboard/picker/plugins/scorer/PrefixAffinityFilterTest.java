package dev.switchboard.picker.plugins.scorer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.switchboard.picker.scheduling.EndpointState;
import dev.switchboard.picker.scheduling.PickRequest;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Sticky until saturated: blocks of 1 token (4 characters), so cached shares are easy to count. */
class PrefixAffinityFilterTest {
    static final PrefixCacheScorer.Params BLOCKS = new PrefixCacheScorer.Params(1, 1024, 10_000, false);

    static EndpointState endpoint(int i, long backlog, double rate) {
        return new EndpointState(PredictedTtftScorerTest.endpoint(i), null, false, backlog > 0 ? 1 : 0, 0,
                backlog > 0 ? 1 : 0, backlog, rate);
    }

    /** A 100-token prompt whose first 90 tokens endpoint 1 caches; another question behind the same prefix. */
    static PickRequest warmAt1(PrefixAffinityFilter f) {
        String system = "s".repeat(360);
        PickRequest first = PredictedTtftScorerTest.request(system + "q1".repeat(20));
        f.filter(first, List.of(endpoint(1, 0, 1000), endpoint(2, 0, 1000)));
        f.onPicked(first, endpoint(1, 0, 1000));
        return PredictedTtftScorerTest.request(system + "q2".repeat(20));
    }

    @Test
    void staysWithTheWarmEndpointWhileItStartsWithinThePenaltyOfTheBestColdOne() {
        // 1,000 tokens/s everywhere: warm TTFT = (backlog + 10) ms, cold = (backlog + 100) ms; penalty 500 ms
        PrefixAffinityFilter f = new PrefixAffinityFilter("f", new PrefixAffinityFilter.Params(BLOCKS, 0.8, 500, 1000));
        PickRequest next = warmAt1(f);
        assertThat(f.filter(next, List.of(endpoint(1, 400, 0), endpoint(2, 0, 0))))
                .extracting(e -> e.endpoint().address()).containsExactly("10.0.0.1:8000"); // 410 vs 100: +310 ms
        assertThat(f.filter(next, List.of(endpoint(1, 700, 0), endpoint(2, 0, 0))))
                .as("saturated: 710 ms against 100, past the 500 ms penalty, so every endpoint passes").hasSize(2);
    }

    @Test
    void learnedRatesSeeASlowWarmEndpointAsSaturatedSoonerThanOneCalibratedNumberDoes() {
        PrefixAffinityFilter learned = new PrefixAffinityFilter("l",
                new PrefixAffinityFilter.Params(BLOCKS, 0.8, 500, 0));
        PickRequest next = warmAt1(learned);
        // the warm endpoint is half as fast (500 tok/s): its 300-token backlog is 620 ms, the cold one starts in 100 ms
        var slowWarm = List.of(endpoint(1, 300, 500), endpoint(2, 0, 1000));
        assertThat(learned.filter(next, slowWarm)).hasSize(2);
        PrefixAffinityFilter calibrated = new PrefixAffinityFilter("c",
                new PrefixAffinityFilter.Params(BLOCKS, 0.8, 500, 1000));
        PickRequest again = warmAt1(calibrated);
        assertThat(calibrated.filter(again, slowWarm)).as("one number for the pool: 310 ms, so it stays").hasSize(1);
    }

    @Test
    void boundedByTheSavedPrefillTheWarmEndpointIsGivenUpOnceItsWaitPassesWhatTheCacheSaves() {
        // the warm endpoint caches 90 tokens: 90 ms of prefill at 1,000 tokens/s, less than the 500 ms penalty
        PrefixAffinityFilter f = new PrefixAffinityFilter("f", new PrefixAffinityFilter.Params(BLOCKS, 0.8, 500, 1000, true, 1));
        PickRequest next = warmAt1(f);
        assertThat(f.filter(next, List.of(endpoint(1, 170, 0), endpoint(2, 0, 0))))
                .as("180 ms against 100: 80 ms later, within the 90 saved").hasSize(1);
        assertThat(f.filter(next, List.of(endpoint(1, 200, 0), endpoint(2, 0, 0))))
                .as("210 ms against 100: 110 ms later, more than the cache saves, so load decides").hasSize(2);
        // the bound is the smaller of the two: a 50 ms penalty wins over 90 saved
        PrefixAffinityFilter tight = new PrefixAffinityFilter("t", new PrefixAffinityFilter.Params(BLOCKS, 0.8, 50, 1000, true, 1));
        PickRequest again = warmAt1(tight);
        assertThat(tight.filter(again, List.of(endpoint(1, 170, 0), endpoint(2, 0, 0)))).hasSize(2);
        // at the cold endpoint's rate, which would recompute the prefix: 90 tokens at 250 tokens/s save 360 ms,
        // so a warm endpoint 200 ms later (600 ms against 400) is kept; past 360 ms later it is not
        PrefixAffinityFilter learned = new PrefixAffinityFilter("l", new PrefixAffinityFilter.Params(BLOCKS, 0.8, 500, 0, true, 1));
        PickRequest third = warmAt1(learned);
        assertThat(learned.filter(third, List.of(endpoint(1, 140, 250), endpoint(2, 0, 250)))).hasSize(1);
        assertThat(learned.filter(third, List.of(endpoint(1, 200, 250), endpoint(2, 0, 250))))
                .as("840 ms against 400: 440 later, past the 360 saved").hasSize(2);
        // a congested warm endpoint whose learned rate fell does not make its cache look worth more: 90 tokens at
        // the cold 1,000 tokens/s save 90 ms, and at 100 tokens/s its 20-token backlog is 300 ms against 100
        assertThat(learned.filter(third, List.of(endpoint(1, 20, 100), endpoint(2, 0, 1000))))
                .as("200 ms later, past the 90 the cache saves at the cold rate").hasSize(2);
    }

    @Test
    void aWarmEndpointWhoseCacheIsHeldByItsRunningSequencesIsNotWarm() {
        PrefixAffinityFilter f = new PrefixAffinityFilter("f", new PrefixAffinityFilter.Params(BLOCKS, 0.8, 500, 1000, false, 0.9));
        PickRequest next = warmAt1(f);
        var roomy = List.of(kv(1, 0.85), kv(2, 0.2));
        assertThat(f.filter(next, roomy)).extracting(e -> e.endpoint().address()).containsExactly("10.0.0.1:8000");
        assertThat(f.filter(next, List.of(kv(1, 0.95), kv(2, 0.2))))
                .as("95 % of its blocks held by running sequences: it would queue the request").hasSize(2);
        PrefixAffinityFilter llmd = new PrefixAffinityFilter("l", new PrefixAffinityFilter.Params(BLOCKS, 0.8, 500, 1000));
        PickRequest again = warmAt1(llmd);
        assertThat(llmd.filter(again, List.of(kv(1, 0.95), kv(2, 0.2)))).as("llm-d's filter reads no KV use").hasSize(1);
    }

    /** Scraped, fresh, with KV-cache use {@code usage}, nothing in flight. */
    static EndpointState kv(int i, double usage) {
        return new EndpointState(PredictedTtftScorerTest.endpoint(i), new dev.switchboard.picker.datalayer.ModelServerMetrics(
                0, 1, usage, 16, 1000, -1, List.of(), List.of()), true, 0, 0, 0, 0, 1000);
    }

    @Test
    void noWarmEndpointOrAllWarmLeavesTheChoiceToTheScorers() {
        PrefixAffinityFilter f = new PrefixAffinityFilter("f", new PrefixAffinityFilter.Params(BLOCKS, 0.8, 500, 1000));
        PickRequest cold = PredictedTtftScorerTest.request("z".repeat(400));
        assertThat(f.filter(cold, List.of(endpoint(1, 0, 0), endpoint(2, 0, 0)))).hasSize(2);
    }

    @Test
    void theTokenLoadScorerPricesTheBacklogInTokensOrInTimeAtEachEndpointsRate() {
        PickRequest r = PredictedTtftScorerTest.request("x".repeat(400)); // 100 tokens, cached nowhere
        var states = List.of(endpoint(1, 300, 500), endpoint(2, 500, 2000)); // 0.8 s of work vs 0.3 s
        double[] tokens = new double[2];
        new TokenLoadScorer("t", false).score(r, states, tokens);
        assertThat(tokens[0]).isEqualTo(1.0); // 401 tokens against 601: the shorter queue
        assertThat(tokens[1]).isCloseTo(401.0 / 601, within(1e-9));
        double[] time = new double[2];
        new TokenLoadScorer("t", true).score(r, states, time);
        assertThat(time[1]).as("the faster endpoint drains its longer queue first").isEqualTo(1.0);
        assertThat(time[0]).isCloseTo(301.0 / 801, within(1e-9));
    }
}
