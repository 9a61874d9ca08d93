package dev.switchboard.picker.plugins.scorer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.picker.datalayer.EngineType;
import dev.switchboard.picker.datalayer.ModelServerMetrics;
import dev.switchboard.picker.pool.Endpoint;
import dev.switchboard.picker.scheduling.EndpointState;
import dev.switchboard.picker.scheduling.PickRequest;
import dev.switchboard.picker.scheduling.Scorer;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ScorersTest {
    static EndpointState state(int waiting, int running, double kv) {
        return new EndpointState(new Endpoint("10.0.0.1", 8000 + waiting, Map.of(), EngineType.VLLM),
                new ModelServerMetrics(waiting, running, kv, 16, 1000, -1, List.of(), List.of()), true, 0, 0);
    }

    static EndpointState lora(int maxLoras, List<String> running, List<String> waiting) {
        return new EndpointState(new Endpoint("10.0.0.1", 9000, Map.of(), EngineType.VLLM),
                new ModelServerMetrics(0, 0, 0, 16, 1000, maxLoras, running, waiting), true, 0, 0);
    }

    static EndpointState stale() {
        return new EndpointState(new Endpoint("10.0.0.9", 8000, Map.of(), EngineType.VLLM),
                new ModelServerMetrics(0, 0, 0, 16, 1000, -1, List.of(), List.of()), false, 0, 0);
    }

    static double[] score(Scorer s, String model, EndpointState... states) {
        double[] out = new double[states.length];
        s.score(PickRequest.of(model, "", Map.of(), 0), List.of(states), out);
        return out;
    }

    @Test
    void queueScorerIsMinMaxOverWaitingAndZeroForUnknownLoad() {
        assertThat(score(new QueueScorer("q"), "m", state(0, 1, 0), state(5, 1, 0), state(10, 1, 0), stale()))
                .containsExactly(1.0, 0.5, 0.0, 0.0);
        assertThat(score(new QueueScorer("q"), "m", state(3, 1, 0), state(3, 9, 0))).containsExactly(1.0, 1.0);
    }

    @Test
    void runningRequestsSizeScorerIsMinMaxOverRunning() {
        assertThat(score(new RunningRequestsSizeScorer("r"), "m", state(0, 2, 0), state(1, 6, 0), state(2, 4, 0)))
                .containsExactly(1.0, 0.0, 0.5);
    }

    @Test
    void kvCacheScorerIsOneMinusUsage() {
        assertThat(score(new KvCacheUtilizationScorer("kv"), "m", state(0, 0, 0.25), state(1, 0, 1.0), stale()))
                .containsExactly(0.75, 0.0, 0.0);
    }

    @Test
    void loraAffinityPrefersRunningThenAFreeSlotThenWaiting() {
        assertThat(score(new LoraAffinityScorer("l"), "fr",
                lora(2, List.of("fr"), List.of()),        // running here
                lora(2, List.of("de"), List.of()),        // a slot free
                lora(2, List.of("de", "es"), List.of("fr")), // waiting here, slots full
                lora(2, List.of("de", "es"), List.of()),  // full
                state(0, 0, 0)))                          // reports no adapters
                .containsExactly(1.0, 0.8, 0.6, 0.0, 0.0);
    }

    @Test
    void activeRequestScorerIsMinMaxOverThisGatewaysInFlightRequests() {
        EndpointState idle = new EndpointState(new Endpoint("10.0.0.1", 1, Map.of(), EngineType.VLLM), null, false, 0, 0);
        EndpointState two = new EndpointState(new Endpoint("10.0.0.2", 1, Map.of(), EngineType.VLLM), null, false, 2, 0);
        EndpointState four = new EndpointState(new Endpoint("10.0.0.3", 1, Map.of(), EngineType.VLLM), null, false, 4, 0);
        assertThat(score(new ActiveRequestScorer("a"), "m", idle, two, four)).containsExactly(1.0, 0.5, 0.0);
    }
}
