package dev.switchboard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.core.config.ConfigLoader;
import dev.switchboard.core.config.GatewayConfig;
import dev.switchboard.core.config.Upstream;
import dev.switchboard.sim.SimConfig;
import dev.switchboard.sim.server.SimServer;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EmbeddedDefaultTest {

    @Test
    void servesTheSimulatedPoolAndAddsOpenAiOnlyWhenItsKeyIsSet() throws Exception {
        try (SimServer sims = EmbeddedDefault.startSims()) {
            GatewayConfig bare = ConfigLoader.parse(EmbeddedDefault.yaml(sims, Map.of(), "127.0.0.1", 0, 0), "embedded");
            assertThat(bare.rules()).hasSize(1);
            assertThat(bare.rules().get(0).backendRefs().get(0).backend().upstreams()).hasSize(EmbeddedDefault.SIM_ENDPOINTS);
            assertThat(bare.rules().get(0).matches().get(0).get(0).value()).isEqualTo(SimConfig.DEFAULT_MODEL);

            GatewayConfig withKey = ConfigLoader.parse(EmbeddedDefault.yaml(sims, Map.of("OPENAI_API_KEY", "sk-test-123"),
                    "127.0.0.1", 0, 0), "embedded");
            var openai = withKey.rules().get(1);
            assertThat(openai.matches().get(0).get(0).matches("gpt-4o-mini")).isTrue();
            assertThat(openai.matches().get(0).get(0).matches(SimConfig.DEFAULT_MODEL)).isFalse();
            var backend = openai.backendRefs().get(0);
            assertThat(backend.backend().upstreams().get(0)).isEqualTo(new Upstream("api.openai.com", 443, Upstream.Tls.SYSTEM));
            assertThat(backend.headerMutation().set()).anySatisfy(h -> {
                assertThat(h.getKey()).isEqualTo("authorization");
                assertThat(h.getValue()).isEqualTo("Bearer sk-test-123");
            });
            assertThat(EmbeddedDefault.providers(Map.of("OPENAI_API_KEY", "sk-x"))).containsExactly("openai (OPENAI_API_KEY)");
            assertThat(EmbeddedDefault.providers(Map.of())).isEmpty();
        }
    }
}
