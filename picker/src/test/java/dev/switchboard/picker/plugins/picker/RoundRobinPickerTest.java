package dev.switchboard.picker.plugins.picker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.picker.datalayer.EngineType;
import dev.switchboard.picker.pool.Endpoint;
import dev.switchboard.picker.scheduling.EndpointState;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RoundRobinPickerTest {
    static final List<EndpointState> THREE = List.of(at(1), at(2), at(3));

    static EndpointState at(int i) {
        return new EndpointState(new Endpoint("10.0.0." + i, 8000, Map.of(), EngineType.VLLM), null, false, 0, 0);
    }

    @Test
    void takesTheEndpointsInTurnIgnoringScoresWithTheNextOnesAsFallbacks() {
        RoundRobinPicker p = new RoundRobinPicker("rr", 2);
        List<String> firsts = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            List<EndpointState> picked = p.pick(THREE, new double[] {0, 9, 0}, new Random(i));
            assertThat(picked).hasSize(2);
            assertThat(picked.get(1)).isEqualTo(THREE.get((THREE.indexOf(picked.get(0)) + 1) % 3));
            firsts.add(picked.get(0).endpoint().host());
        }
        assertThat(firsts).containsExactly("10.0.0.1", "10.0.0.2", "10.0.0.3", "10.0.0.1", "10.0.0.2", "10.0.0.3");
        assertThat(p.pick(List.of(), new double[0], new Random())).isEmpty();
    }
}
