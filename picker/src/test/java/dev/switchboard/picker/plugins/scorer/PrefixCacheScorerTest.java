package dev.switchboard.picker.plugins.scorer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.picker.datalayer.EngineType;
import dev.switchboard.picker.datalayer.ModelServerMetrics;
import dev.switchboard.picker.pool.Endpoint;
import dev.switchboard.picker.scheduling.EndpointState;
import dev.switchboard.picker.scheduling.PickRequest;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PrefixCacheScorerTest {
    static final EndpointState A = at(1);
    static final EndpointState B = at(2);

    static EndpointState at(int i) {
        return new EndpointState(new Endpoint("10.0.0." + i, 8000, Map.of(), EngineType.VLLM), null, false, 0, 0);
    }

    /** 1 token per block = 4 chars, so prompts are easy to count in blocks. */
    final PrefixCacheScorer scorer = new PrefixCacheScorer("p", new PrefixCacheScorer.Params(1, 256, 100, false));

    double[] score(String model, String prompt) {
        double[] s = new double[2];
        scorer.score(PickRequest.of(model, prompt, Map.of(), 0), List.of(A, B), s);
        return s;
    }

    void sent(EndpointState to, String model, String prompt) {
        PickRequest r = PickRequest.of(model, prompt, Map.of(), 0);
        scorer.score(r, List.of(A, B), new double[2]);
        scorer.onPicked(r, to);
    }

    @Test
    void scoresTheShareOfLeadingBlocksAnEndpointHolds() {
        sent(A, "m", "aaaabbbbccccdddd");                          // 4 blocks on A
        assertThat(score("m", "aaaabbbbccccdddd")).containsExactly(1.0, 0.0);
        assertThat(score("m", "aaaabbbbxxxxyyyy")).containsExactly(0.5, 0.0);    // shares 2 of 4 blocks
        assertThat(score("m", "xxxxbbbbccccdddd")).containsExactly(0.0, 0.0);    // chained: a later equal block does not count
        sent(B, "m", "aaaabbbbzz");
        assertThat(score("m", "aaaabbbbzzzz")).containsExactly(2 / 3.0, 2 / 3.0); // "zz" partial block != "zzzz"
    }

    @Test
    void theModelSeedsTheHashesSoAdaptersDoNotShare() {
        sent(A, "lora-a", "aaaabbbb");
        assertThat(score("lora-b", "aaaabbbb")).containsExactly(0.0, 0.0);
        assertThat(score("lora-a", "aaaabbbb")).containsExactly(1.0, 0.0);
    }

    @Test
    void eachEndpointForgetsItsLeastRecentlyUsedBlocksBeyondItsCapacity() {
        PrefixCacheScorer small = new PrefixCacheScorer("p", new PrefixCacheScorer.Params(1, 256, 4, false));
        PickRequest first = PickRequest.of("m", "aaaabbbb", Map.of(), 0);
        small.score(first, List.of(A, B), new double[2]);
        small.onPicked(first, A);
        PickRequest second = PickRequest.of("m", "ccccddddeeeeffff", Map.of(), 0);
        small.score(second, List.of(A, B), new double[2]);
        small.onPicked(second, A); // 6 blocks recorded, capacity 4: the first prompt's blocks go

        double[] s = new double[2];
        small.score(PickRequest.of("m", "aaaabbbb", Map.of(), 0), List.of(A, B), s);
        assertThat(s).containsExactly(0.0, 0.0);
        small.score(PickRequest.of("m", "ccccddddeeeeffff", Map.of(), 0), List.of(A, B), s);
        assertThat(s).containsExactly(1.0, 0.0);
    }

    @Test
    void anEmptyPromptScoresZeroAndARemovedEndpointIsForgotten() {
        assertThat(score("m", "")).containsExactly(0.0, 0.0);
        sent(B, "m", "qqqqrrrr");
        scorer.endpointRemoved(B.endpoint());
        assertThat(score("m", "qqqqrrrr")).containsExactly(0.0, 0.0);
    }

    /** A prompt of {@code blocks} one-token blocks; {@code i} makes its first block, and so every hash, its own. */
    static String distinct(int i, int blocks) {
        return (char) ('A' + i) + "x".repeat(blocks * 4 - 1);
    }

    @Test
    void aServerReportingAHugeCacheIsRememberedOnlyAsFarAsTheIndexsMemoryBoundAllows() {
        // 1 MiB holds about 43,000 entries; the server says it caches 2^31 - 1 blocks of 1 token
        PrefixCacheScorer bounded = new PrefixCacheScorer("p", new PrefixCacheScorer.Params(1, 1 << 16, 31_250, true,
                1 << 20));
        EndpointState huge = new EndpointState(new Endpoint("10.0.0.9", 8000, Map.of(), EngineType.VLLM),
                new ModelServerMetrics(0, 0, 0, 1, Integer.MAX_VALUE, -1, List.of(), List.of()), true, 0, 0);
        for (int i = 0; i < 7; i++) { // 70,000 blocks sent there
            PickRequest r = PickRequest.of("m", distinct(i, 10_000), Map.of(), 0);
            bounded.score(r, List.of(huge), new double[1]);
            bounded.onPicked(r, huge);
        }
        double[] s = new double[1];
        bounded.score(PickRequest.of("m", distinct(0, 10_000), Map.of(), 0), List.of(huge), s);
        assertThat(s).as("the oldest prompt, beyond the bound").containsExactly(0.0);
        bounded.score(PickRequest.of("m", distinct(6, 10_000), Map.of(), 0), List.of(huge), s);
        assertThat(s).as("the newest prompt").containsExactly(1.0);
    }
}
