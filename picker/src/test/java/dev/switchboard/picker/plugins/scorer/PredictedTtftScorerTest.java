package dev.switchboard.picker.plugins.scorer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.switchboard.picker.datalayer.EngineType;
import dev.switchboard.picker.datalayer.ModelServerMetrics;
import dev.switchboard.picker.pool.Endpoint;
import dev.switchboard.picker.scheduling.EndpointState;
import dev.switchboard.picker.scheduling.PickRequest;
import dev.switchboard.picker.scheduling.UncachedTokens;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PredictedTtftScorerTest {
    /** Blocks of 1 token (4 characters) and 10 tokens per decoding sequence, so predictions are easy to count. */
    final PredictedTtftScorer scorer = new PredictedTtftScorer("t",
            new PredictedTtftScorer.Params(new PrefixCacheScorer.Params(1, 1024, 10_000, false), 10, 0.9, 0, 0, 0));

    /** Blocks of 1 token, no decoding or recompute charge; an adapter load costs 500 tokens, a slot wait 50,000. */
    static final PredictedTtftScorer.Params ADAPTER_COSTS = new PredictedTtftScorer.Params(
            new PrefixCacheScorer.Params(1, 1024, 10_000, false), 0, 0.9, 0, 500, 50_000);

    static Endpoint endpoint(int i) {
        return new Endpoint("10.0.0." + i, 8000, Map.of(), EngineType.VLLM);
    }

    static EndpointState local(int i, int inFlight, int prefill, long prefillTokens) {
        return new EndpointState(endpoint(i), null, false, inFlight, 0, prefill, prefillTokens);
    }

    static EndpointState scraped(int i, int waiting, int running, double kv) {
        return new EndpointState(endpoint(i), new ModelServerMetrics(waiting, running, kv, 16, 1000, -1, List.of(),
                List.of()), true, 0, 0, 0, 0);
    }

    static PickRequest request(String prompt) {
        return PickRequest.of("m", prompt, Map.of(), 0);
    }

    @Test
    void predictsThePrefillAheadPlusTheUncachedPromptPlusDecodingSequences() {
        PickRequest r = request("x".repeat(400)); // 100 tokens, nothing cached anywhere
        assertThat(scorer.predictedTokens(r, local(1, 0, 0, 0), 100)).isEqualTo(101);        // 1 + prompt
        assertThat(scorer.predictedTokens(r, local(1, 3, 2, 500), 100)).isEqualTo(1 + 500 + 100 + 10 * 1);
        // scraped waiting beyond this gateway's own requests: someone else's, priced at this prompt's length
        assertThat(scorer.predictedTokens(r, scraped(1, 2, 4, 0.5), 100)).isEqualTo(1 + 2 * 100 + 100 + 10 * 4);
        // KV past the threshold: the prompt again, scaled from 0 at the threshold to 1 at full
        assertThat(scorer.predictedTokens(r, scraped(1, 0, 0, 0.95), 100)).isCloseTo(101 + 50, within(1e-6));
        // stale metrics are ignored: only what this gateway knows counts
        EndpointState stale = new EndpointState(endpoint(1), new ModelServerMetrics(50, 50, 1.0, 16, 1000, -1,
                List.of(), List.of()), false, 0, 0, 0, 0);
        assertThat(scorer.predictedTokens(r, stale, 100)).isEqualTo(101);
    }

    @Test
    void scoresAreTheBestPredictionOverEachAndTheCachedPrefixLowersThePrediction() {
        String system = "s".repeat(360); // 90 tokens
        PickRequest first = request(system + "q1".repeat(20));
        List<EndpointState> idle = List.of(local(1, 0, 0, 0), local(2, 0, 0, 0));
        scorer.score(first, idle, new double[2]);
        scorer.onPicked(first, idle.get(0));

        PickRequest second = request(system + "q2".repeat(20)); // 100 tokens, the first 90 cached at endpoint 1
        double[] s = new double[2];
        scorer.score(second, idle, s);
        assertThat(s[0]).isEqualTo(1.0);
        assertThat(s[1]).isCloseTo(11.0 / 101.0, within(1e-9)); // 1 + 10 uncached vs 1 + 100
        assertThat(UncachedTokens.of(second, endpoint(1))).isEqualTo(10);
        assertThat(UncachedTokens.of(second, endpoint(2))).isEqualTo(100);
    }

    /**
     * Sends a 100-token prompt whose first 90 tokens are a system prompt to endpoint 1; returns another question
     * behind the same system prompt (90 tokens cached at endpoint 1, none at endpoint 2).
     */
    static PickRequest afterEndpoint1ServedTheSystemPrompt(PredictedTtftScorer scorer) {
        String system = "s".repeat(360);
        PickRequest first = request(system + "q1".repeat(20));
        scorer.score(first, List.of(local(1, 0, 0, 0), local(2, 0, 0, 0)), new double[2]);
        scorer.onPicked(first, local(1, 0, 0, 0));
        return request(system + "q2".repeat(20));
    }

    @Test
    void cacheAffinityYieldsWhenTheHoldersBacklogCostsMoreThanRecomputingThePrefix() {
        PickRequest next = afterEndpoint1ServedTheSystemPrompt(scorer);
        double[] s = new double[2];
        scorer.score(next, List.of(local(1, 1, 1, 80), local(2, 0, 0, 0)), s); // 1 + 80 + 10 vs 1 + 100: stay
        assertThat(s[0]).isGreaterThan(s[1]);
        scorer.score(next, List.of(local(1, 1, 1, 120), local(2, 0, 0, 0)), s); // 1 + 120 + 10 vs 1 + 100: move
        assertThat(s[1]).isGreaterThan(s[0]);
    }

    @Test
    void recomputeCostChargesEachUncachedTokenAgainSoAffinityYieldsLater() {
        PredictedTtftScorer sticky = new PredictedTtftScorer("t",
                new PredictedTtftScorer.Params(new PrefixCacheScorer.Params(1, 1024, 10_000, false), 10, 0.9, 1, 0, 0));
        PickRequest r = request("x".repeat(400));
        assertThat(sticky.predictedTokens(r, local(1, 0, 0, 0), 100)).isEqualTo(1 + 2 * 100);

        PickRequest next = afterEndpoint1ServedTheSystemPrompt(sticky);
        double[] s = new double[2];
        // the backlog of 120 that moved the request above: 1 + 120 + 2 * 10 + 10 vs 1 + 2 * 100, it stays
        sticky.score(next, List.of(local(1, 1, 1, 120), local(2, 0, 0, 0)), s);
        assertThat(s[0]).isGreaterThan(s[1]);
        // past twice the recompute: 1 + 200 + 2 * 10 + 10 vs 1 + 2 * 100, it moves
        sticky.score(next, List.of(local(1, 1, 1, 200), local(2, 0, 0, 0)), s);
        assertThat(s[1]).isGreaterThan(s[0]);
    }

    static EndpointState learned(int i, long prefillTokens, double rate) {
        return new EndpointState(endpoint(i), null, false, prefillTokens > 0 ? 1 : 0, 0, prefillTokens > 0 ? 1 : 0,
                prefillTokens, rate);
    }

    @Test
    void eachEndpointsTokensArePricedAtItsOwnLearnedSpeed() {
        PickRequest r = request("w".repeat(400)); // 100 tokens
        double[] s = new double[3];
        // equal speeds: the shorter backlog wins, as in tokens
        scorer.score(r, List.of(learned(1, 300, 10_000), learned(2, 500, 10_000)), s);
        assertThat(s[0]).isEqualTo(1.0);
        // endpoint 1 half as fast: its shorter backlog takes longer than endpoint 2's at twice the speed
        scorer.score(r, List.of(learned(1, 300, 10_000), learned(2, 500, 20_000)), s);
        assertThat(s[1]).isEqualTo(1.0);
        assertThat(s[0]).isLessThan(0.8);
        // an endpoint not learned yet takes the median of the others: 12,500 tokens/s, between 5,000 and 20,000
        scorer.score(r, List.of(learned(1, 0, 5_000), learned(2, 0, 20_000), learned(3, 0, Double.NaN)), s);
        assertThat(s[1]).isEqualTo(1.0);
        assertThat(s[2]).isCloseTo(0.625, within(1e-9));
        assertThat(s[0]).isCloseTo(0.25, within(1e-9));
    }

    static EndpointState withAdapters(int i, int maxLoras, List<String> running, List<String> waiting) {
        return new EndpointState(endpoint(i), new ModelServerMetrics(0, 0, 0, 16, 1000, maxLoras, running, waiting),
                true, 0, 0, 0, 0);
    }

    @Test
    void anAdapterCostsNothingWhereItRunsItsLoadWhereASlotIsFreeAndTheSlotWaitWhereNone() {
        PredictedTtftScorer lora = new PredictedTtftScorer("t", ADAPTER_COSTS);
        PickRequest r = PickRequest.of("food-review", "x".repeat(400), Map.of(), 0); // 100 tokens
        List<EndpointState> pool = List.of(
                withAdapters(1, 2, List.of("food-review"), List.of()),     // running there
                withAdapters(2, 2, List.of("sql"), List.of()),             // one of two slots free
                withAdapters(3, 2, List.of("sql", "chat"), List.of("food-review")), // full (waiting does not run)
                local(4, 0, 0, 0));                                        // reports nothing about adapters
        double[] s = new double[4];
        lora.score(r, pool, s);
        assertThat(s).containsExactly(new double[] {1.0, 101.0 / 601, 101.0 / 50_101, 1.0}, within(1e-12));
    }

    @Test
    void aModelNoEndpointRunsAsAnAdapterNeedsNoSlot() {
        PredictedTtftScorer lora = new PredictedTtftScorer("t", ADAPTER_COSTS);
        PickRequest base = PickRequest.of("llama-3-8b", "x".repeat(400), Map.of(), 0);
        double[] s = new double[2];
        lora.score(base, List.of(withAdapters(1, 1, List.of("sql"), List.of()), withAdapters(2, 1, List.of(), List.of())), s);
        assertThat(s).containsExactly(1.0, 1.0);
    }

    @Test
    void anAdapterJustSentTakesItsSlotBeforeTheNextScrapeShowsIt() {
        PredictedTtftScorer lora = new PredictedTtftScorer("t", ADAPTER_COSTS);
        // two adapters known from the scrape of endpoint 2; endpoint 1 has one free slot and runs nothing yet
        List<EndpointState> pool = List.of(withAdapters(1, 1, List.of(), List.of()),
                withAdapters(2, 2, List.of("sql", "chat"), List.of()));
        PickRequest sql = PickRequest.of("sql", "x".repeat(400), Map.of(), 0);
        double[] s = new double[2];
        lora.score(sql, pool, s);
        lora.onPicked(sql, pool.get(0));
        // the same scrape: endpoint 1's one slot is now sql's, so chat would wait there; sql itself is loaded
        PickRequest chat = PickRequest.of("chat", "y".repeat(400), Map.of(), 0);
        lora.score(chat, pool, s);
        assertThat(s).containsExactly(new double[] {101.0 / 50_101, 1.0}, within(1e-12));
        lora.score(PickRequest.of("sql", "z".repeat(400), Map.of(), 0), pool, s);
        assertThat(s).containsExactly(1.0, 1.0);
        lora.endpointRemoved(endpoint(1));
        lora.score(chat, pool, s);
        assertThat(s[0]).as("forgotten with the endpoint").isCloseTo(101.0 / 601, within(1e-12));
    }

    @Test
    void anEndpointThatLeftIsForgotten() {
        PickRequest first = request("p".repeat(400));
        scorer.score(first, List.of(local(1, 0, 0, 0)), new double[1]);
        scorer.onPicked(first, local(1, 0, 0, 0));
        scorer.endpointRemoved(endpoint(1));
        PickRequest again = request("p".repeat(400));
        scorer.score(again, List.of(local(1, 0, 0, 0)), new double[1]);
        assertThat(UncachedTokens.of(again, endpoint(1))).isEqualTo(100);
    }

    @Test
    void autoTuneSizesEachEndpointsMemoryFromTheCacheItReports() {
        // 8 blocks of 1 token reported: the index remembers 8 blocks for that endpoint
        PredictedTtftScorer tuned = new PredictedTtftScorer("t",
                new PredictedTtftScorer.Params(new PrefixCacheScorer.Params(1, 1024, 10_000, true), 0, 0.9, 0, 0, 0));
        EndpointState small = new EndpointState(endpoint(1), new ModelServerMetrics(0, 0, 0, 1, 8, -1, List.of(),
                List.of()), true, 0, 0, 0, 0);
        PickRequest a = request("a".repeat(32)); // 8 blocks
        tuned.score(a, List.of(small), new double[1]);
        tuned.onPicked(a, small);
        PickRequest b = request("b".repeat(32)); // 8 more: a's are evicted
        tuned.score(b, List.of(small), new double[1]);
        tuned.onPicked(b, small);
        PickRequest again = request("a".repeat(32));
        tuned.score(again, List.of(small), new double[1]);
        assertThat(UncachedTokens.of(again, endpoint(1))).isEqualTo(8);
    }
}
