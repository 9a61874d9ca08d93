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
