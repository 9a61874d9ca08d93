package dev.switchboard.picker.scheduling;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.picker.datalayer.EngineType;
import dev.switchboard.picker.datalayer.ModelServerMetrics;
import dev.switchboard.picker.plugins.picker.MaxScorePicker;
import dev.switchboard.picker.plugins.scorer.KvCacheUtilizationScorer;
import dev.switchboard.picker.plugins.scorer.PrefixCacheScorer;
import dev.switchboard.picker.plugins.scorer.QueueScorer;
import dev.switchboard.picker.pool.Endpoint;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SchedulingProfileTest {
    static EndpointState state(int i, int waiting, double kv) {
        return new EndpointState(new Endpoint("10.0.0." + i, 8000, Map.of(), EngineType.VLLM),
                new ModelServerMetrics(waiting, 0, kv, 16, 1000, -1, List.of(), List.of()), true, 0, 0);
    }

    static Scorer constant(double value) {
        return new Scorer() {
            @Override
            public TypedName typedName() {
                return TypedName.of("constant");
            }

            @Override
            public void score(PickRequest request, List<EndpointState> endpoints, double[] scores) {
                java.util.Arrays.fill(scores, 0, endpoints.size(), value);
            }
        };
    }

    @Test
    void weightsScoresAndPicksTheBestTotal() {
        // queue (w 2) prefers 1, kv (w 3) prefers 0 more strongly: 0 scores 2*0 + 3*0.9 = 2.7, 1 scores 2*1 + 3*0.1 = 2.3
        SchedulingProfile p = new SchedulingProfile("default", List.of(),
                List.of(new SchedulingProfile.WeightedScorer(new QueueScorer("q"), 2),
                        new SchedulingProfile.WeightedScorer(new KvCacheUtilizationScorer("kv"), 3)),
                new MaxScorePicker("p", 2), List.of());
        var r = p.pick(PickRequest.of("m", "", Map.of(), 0), List.of(state(0, 5, 0.1), state(1, 0, 0.9)),
                new SplittableRandom(1));
        assertThat(r.endpoints()).extracting(e -> e.endpoint().host()).containsExactly("10.0.0.0", "10.0.0.1");
    }

    @Test
    void clampsOutOfRangeScores() {
        SchedulingProfile p = new SchedulingProfile("x", List.of(),
                List.of(new SchedulingProfile.WeightedScorer(constant(50), 1),
                        new SchedulingProfile.WeightedScorer(new QueueScorer("q"), 1)),
                new MaxScorePicker("p", 1), List.of());
        // the constant scorer's 50 is clamped to 1 for both, so the queue decides
        var r = p.pick(PickRequest.of("m", "", Map.of(), 0), List.of(state(0, 9, 0), state(1, 1, 0)), new SplittableRandom(1));
        assertThat(r.endpoints().get(0).endpoint().host()).isEqualTo("10.0.0.1");
    }

    @Test
    void aFilterThatLeavesNothingEndsThePickWithAReason() {
        Filter none = new Filter() {
            @Override
            public TypedName typedName() {
                return new TypedName("test-filter", "drop-all");
            }

            @Override
            public List<EndpointState> filter(PickRequest request, List<EndpointState> endpoints) {
                return List.of();
            }
        };
        var r = new SchedulingProfile("x", List.of(none), List.of(), new MaxScorePicker("p", 1), List.of())
                .pick(PickRequest.of("m", "", Map.of(), 0), List.of(state(0, 0, 0)), new SplittableRandom(1));
        assertThat(r.empty()).isTrue();
        assertThat(r.reason()).contains("drop-all");
    }

    @Test
    void observersLearnThePickSoTheNextSamePromptFollowsIt() {
        PrefixCacheScorer prefix = new PrefixCacheScorer("prefix", PrefixCacheScorer.Params.DEFAULTS);
        SchedulingProfile p = new SchedulingProfile("x", List.of(),
                List.of(new SchedulingProfile.WeightedScorer(prefix, 3)), new MaxScorePicker("p", 1), List.of(prefix));
        List<EndpointState> pool = List.of(state(0, 0, 0), state(1, 0, 0), state(2, 0, 0), state(3, 0, 0));
        String prompt = "You are a helpful assistant. ".repeat(50);
        SplittableRandom random = new SplittableRandom(5);
        String first = p.pick(PickRequest.of("m", prompt, Map.of(), 0), pool, random).endpoints().get(0).endpoint().host();
        for (int i = 0; i < 20; i++) {
            String next = p.pick(PickRequest.of("m", prompt + " question " + i, Map.of(), 0), pool, random)
                    .endpoints().get(0).endpoint().host();
            assertThat(next).isEqualTo(first);
        }
    }
}
