package dev.switchboard.picker.flowcontrol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.switchboard.picker.datalayer.EngineType;
import dev.switchboard.picker.datalayer.ModelServerMetrics;
import dev.switchboard.picker.plugins.filter.UtilizationFilter;
import dev.switchboard.picker.pool.Endpoint;
import dev.switchboard.picker.scheduling.EndpointState;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class UtilizationDetectorTest {
    static int port = 8000;

    /** An endpoint with fresh metrics and no requests of ours in flight. */
    static EndpointState endpoint(int waiting, int running, double kv) {
        return endpoint(waiting, running, kv, true, 0);
    }

    static EndpointState endpoint(int waiting, int running, double kv, boolean fresh, int inFlight) {
        return new EndpointState(new Endpoint("10.0.0.1", port++, Map.of(), EngineType.VLLM),
                new ModelServerMetrics(waiting, running, kv, 16, 1000, -1, List.of(), List.of()), fresh, inFlight, 0);
    }

    static EndpointState noMetricsYet() {
        return new EndpointState(new Endpoint("10.0.0.2", port++, Map.of(), EngineType.VLLM), null, false, 0, 0);
    }

    final UtilizationDetector defaults = UtilizationDetector.defaults();

    @Test
    void anEndpointScoresItsMostConstrainedResourceAgainstTheDefaultThresholds() {
        // queue 5 of 5 = 1.0, KV 0.4 of 0.8 = 0.5 -> 1.0
        assertThat(defaults.saturation(List.of(endpoint(5, 3, 0.4)))).isEqualTo(1.0);
        // queue 1 of 5 = 0.2, KV 0.6 of 0.8 = 0.75 -> 0.75
        assertThat(defaults.saturation(List.of(endpoint(1, 3, 0.6)))).isCloseTo(0.75, within(1e-9));
        // over capacity shows as more than 1.0
        assertThat(defaults.saturation(List.of(endpoint(10, 3, 0.1)))).isEqualTo(2.0);
        assertThat(defaults.saturated(List.of(endpoint(4, 3, 0.79)))).isFalse();
        assertThat(defaults.saturated(List.of(endpoint(0, 3, 0.8)))).isTrue();
    }

    @Test
    void thePoolIsTheAverageOfItsEndpoints() {
        // 2.0 + 0.0 + 0.5 + 0.1 -> 0.65: one overloaded endpoint does not saturate the pool
        var pool = List.of(endpoint(10, 1, 0), endpoint(0, 0, 0), endpoint(0, 1, 0.4), endpoint(0, 1, 0.08));
        assertThat(defaults.saturation(pool)).isCloseTo(0.65, within(1e-9));
        assertThat(defaults.saturated(pool)).isFalse();
    }

    @Test
    void staleOrMissingMetricsCountAsFullySaturated() {
        assertThat(defaults.saturation(List.of(endpoint(0, 0, 0, false, 0)))).isEqualTo(1.0);
        assertThat(defaults.saturation(List.of(noMetricsYet()))).isEqualTo(1.0);
        // one idle and one unknown: 0.5
        assertThat(defaults.saturation(List.of(endpoint(0, 0, 0), noMetricsYet()))).isEqualTo(0.5);
        assertThat(defaults.saturated(List.of())).as("no endpoints").isTrue();
    }

    @Test
    void thresholdsComeFromTheParameters() {
        var d = new UtilizationDetector("d", new UtilizationFilter.Params(10, 0.5, 0));
        assertThat(d.saturation(List.of(endpoint(5, 0, 0.1)))).isEqualTo(0.5);   // queue 5 / 10
        assertThat(d.saturation(List.of(endpoint(0, 0, 0.4)))).isCloseTo(0.8, within(1e-9)); // KV 0.4 / 0.5
    }

    @Test
    void signalsTheEngineDoesNotReportCountAsZero() {
        assertThat(defaults.saturation(List.of(endpoint(2, 1, Double.NaN)))).isCloseTo(0.4, within(1e-9));
        assertThat(defaults.saturation(List.of(endpoint(-1, -1, 0.4)))).isCloseTo(0.5, within(1e-9));
    }

    @Test
    void ourInFlightRequestsTheScrapeHasNotSeenYetCountAsWaiting() {
        // 2 waiting + 1 running reported, 7 of ours in flight: 4 the server has not reported yet -> (2 + 4) / 5
        assertThat(defaults.saturation(List.of(endpoint(2, 1, 0, true, 7)))).isCloseTo(1.2, within(1e-9));
        // fewer in flight than reported: no credit
        assertThat(defaults.saturation(List.of(endpoint(2, 1, 0, true, 2)))).isCloseTo(0.4, within(1e-9));
    }

    @Test
    void asAFilterItIsTheUtilizationFilter() {
        var ok = endpoint(1, 1, 0.1);
        var full = endpoint(5, 1, 0.1);
        assertThat(defaults.filter(null, List.of(ok, full))).containsExactly(ok);
        assertThat(defaults.typedName().type()).isEqualTo("utilization-detector");
    }
}
