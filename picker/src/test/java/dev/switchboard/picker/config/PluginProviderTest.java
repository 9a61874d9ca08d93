package dev.switchboard.picker.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.core.config.ConfigException;
import dev.switchboard.picker.datalayer.EngineType;
import dev.switchboard.picker.datalayer.ModelServerMetrics;
import dev.switchboard.picker.plugins.scorer.QueueScorer;
import dev.switchboard.picker.pool.Endpoint;
import dev.switchboard.picker.scheduling.EndpointState;
import dev.switchboard.picker.scheduling.PickRequest;
import dev.switchboard.picker.scheduling.SchedulingProfile;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Third-party plugins through the PluginProvider service-provider interface. */
class PluginProviderTest {
    /** Port 8001 has the shorter queue; the custom scorer favours 8000. */
    static final List<EndpointState> POOL = List.of(endpoint(8000, 9), endpoint(8001, 0));

    static EndpointState endpoint(int port, int waiting) {
        return new EndpointState(new Endpoint("10.0.0.1", port, Map.of(), EngineType.VLLM),
                new ModelServerMetrics(waiting, 0, 0, 16, 1000, -1, List.of(), List.of()), true, 0, 0);
    }

    static int pickedPort(SchedulingProfile p) {
        return p.pick(PickRequest.of("m", "", Map.of(), 0), POOL, new SplittableRandom(3)).endpoints().get(0)
                .endpoint().port();
    }

    static final String CONFIG = """
            apiVersion: llm-d.ai/v1alpha1
            kind: EndpointPickerConfig
            plugins:
            - type: queue-scorer
            - name: pinned
              type: pinned-port-scorer
              parameters: {port: 8000}
            schedulingProfiles:
            - name: default
              plugins:
              - {pluginRef: queue-scorer, weight: 1}
              - {pluginRef: pinned, weight: 5}
            """;

    @Test
    void aProviderOnTheClassPathAddsAPluginTypeThatConfigsUse() throws Exception {
        assertThat(pickedPort(EndpointPickerConfigLoader.parse(CONFIG.replace("weight: 5", "weight: 0"), "epp.yaml")))
                .as("without the custom scorer's weight, the queue decides").isEqualTo(8001);
        SchedulingProfile p = EndpointPickerConfigLoader.parse(CONFIG, "epp.yaml");
        assertThat(p.scorers().get(1).scorer().typedName()).isEqualTo(new dev.switchboard.picker.scheduling.TypedName(
                "pinned-port-scorer", "pinned"));
        assertThat(pickedPort(p)).as("the custom scorer outweighs the queue").isEqualTo(8000);
    }

    @Test
    void aProvidersParametersAreReadStrictly() {
        EndpointPickerConfigLoaderTest.expectError(CONFIG.replace("{port: 8000}", "{port: 8000, colour: red}"),
                "epp.yaml: plugins[1].parameters.colour: unknown field; expected one of port");
        EndpointPickerConfigLoaderTest.expectError(CONFIG.replace("{port: 8000}", "{}"),
                "epp.yaml: plugins[1].parameters.port: required: the port to favour");
        EndpointPickerConfigLoaderTest.expectError(CONFIG.replace("type: pinned-port-scorer", "type: pinned-prot-scorer"),
                "plugin type 'pinned-prot-scorer' is not registered; registered: ");
    }

    record Provider(String name, Map<String, PluginFactory> plugins) implements PluginProvider {}

    static final PluginFactory ANY = (n, p) -> new QueueScorer(n);

    @Test
    void aTypeTakenByABuiltInOrAnotherProviderIsRejectedNamingBoth() throws Exception {
        assertThatThrownBy(() -> PluginRegistry.of(List.of(new Provider("com.acme.Plugins", Map.of("queue-scorer", ANY)))))
                .isInstanceOf(ConfigException.class).hasMessage("picker plugin type 'queue-scorer' of provider "
                        + "com.acme.Plugins is already registered by the built-in plugins "
                        + "(dev.switchboard.picker.config.InTreePlugins); a type can be registered once");
        assertThatThrownBy(() -> PluginRegistry.of(List.of(new Provider("com.acme.Plugins", Map.of("acme-scorer", ANY)),
                new Provider("com.other.Plugins", Map.of("acme-scorer", ANY)))))
                .isInstanceOf(ConfigException.class).hasMessage("picker plugin type 'acme-scorer' of provider "
                        + "com.other.Plugins is already registered by provider com.acme.Plugins; a type can be "
                        + "registered once");
        assertThatThrownBy(() -> PluginRegistry.of(List.of(new Provider("com.acme.Plugins", Map.of("AcmeScorer", ANY)))))
                .hasMessage("picker plugin provider com.acme.Plugins registers type 'AcmeScorer': expected a "
                        + "kebab-case name such as my-scorer");
        assertThat(PluginRegistry.of(List.of(new Provider("com.acme.Plugins", Map.of("acme-scorer", ANY)))).types())
                .contains("acme-scorer", "queue-scorer");
    }

    @Test
    void theDefaultProfileUsesBuiltInsOnly() {
        assertThat(PluginRegistry.inTree().types()).doesNotContain(PinnedPortScorerProvider.TYPE)
                .contains("session-affinity-scorer", "by-label", "label-selector-filter");
        assertThat(EndpointPickerConfigLoader.defaults().scorers()).extracting(w -> w.scorer().typedName().type())
                .containsExactly("predicted-ttft-scorer");
    }
}
