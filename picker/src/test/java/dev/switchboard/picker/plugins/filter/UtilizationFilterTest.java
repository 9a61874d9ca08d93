package dev.switchboard.picker.plugins.filter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.picker.datalayer.EngineType;
import dev.switchboard.picker.datalayer.ModelServerMetrics;
import dev.switchboard.picker.pool.Endpoint;
import dev.switchboard.picker.scheduling.EndpointState;
import dev.switchboard.picker.scheduling.PickRequest;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class UtilizationFilterTest {
    static int port = 9000;

    static EndpointState endpoint(int waiting, double kv, boolean fresh) {
        return new EndpointState(new Endpoint("10.0.0.1", port++, Map.of(), EngineType.VLLM),
                new ModelServerMetrics(waiting, 1, kv, 16, 1000, -1, List.of(), List.of()), fresh, 0, 0);
    }

    static List<EndpointState> filter(UtilizationFilter f, EndpointState... states) {
        return f.filter(PickRequest.of("m", "", Map.of(), 0), List.of(states));
    }

    final UtilizationFilter defaults = new UtilizationFilter("f", UtilizationFilter.Params.DEFAULTS);

    @Test
    void dropsEndpointsAtOrAboveEitherThresholdAndStaleOnes() {
        var idle = endpoint(0, 0.1, true);
        var queueFull = endpoint(5, 0.1, true);
        var cacheFull = endpoint(0, 0.8, true);
        var justBelow = endpoint(4, 0.79, true);
        var stale = endpoint(0, 0.0, false);
        assertThat(filter(defaults, idle, queueFull, cacheFull, justBelow, stale)).containsExactly(idle, justBelow);
    }

    @Test
    void headroomRaisesBothLimitsAndKvNeverPastOne() {
        var f = new UtilizationFilter("f", new UtilizationFilter.Params(5, 0.8, 0.2));
        var six = endpoint(6, 0.1, true);     // limit 6: out
        var five = endpoint(5, 0.95, true);   // limit min(1, 0.96): in
        var full = endpoint(0, 0.96, true);   // out
        assertThat(filter(f, six, five, full)).containsExactly(five);
        var wide = new UtilizationFilter("f", new UtilizationFilter.Params(5, 0.9, 1.0));
        assertThat(filter(wide, endpoint(0, 1.0, true), endpoint(0, 0.99, true))).hasSize(1);
    }

    @Test
    void whenEveryEndpointWouldGoItKeepsThemAll() {
        var a = endpoint(9, 0.1, true);
        var b = endpoint(0, 0.1, false);
        assertThat(filter(defaults, a, b)).containsExactly(a, b);
    }

    @Test
    void rejectsThresholdsOutsideTheirRange() {
        assertThatThrownBy(() -> new UtilizationFilter.Params(0, 0.8, 0)).hasMessageContaining("queueDepthThreshold");
        assertThatThrownBy(() -> new UtilizationFilter.Params(5, 1.5, 0)).hasMessageContaining("kvCacheUtilThreshold");
        assertThatThrownBy(() -> new UtilizationFilter.Params(5, 0.8, -0.1)).hasMessageContaining("headroom");
    }
}
