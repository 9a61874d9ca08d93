package dev.switchboard.picker.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.core.config.ConfigException;
import dev.switchboard.picker.scheduling.SchedulingProfile;
import org.junit.jupiter.api.Test;

class EndpointPickerConfigLoaderTest {

    static String weights(SchedulingProfile p) {
        return String.join(",", p.scorers().stream()
                .map(w -> w.scorer().typedName().type() + "=" + w.weight()).toList());
    }

    @Test
    void theDefaultIsQueue2KvCache2Prefix3WithTheMaxScorePicker() {
        SchedulingProfile p = EndpointPickerConfigLoader.defaults();
        assertThat(weights(p)).isEqualTo("queue-scorer=2.0,kv-cache-utilization-scorer=2.0,prefix-cache-scorer=3.0");
        assertThat(p.picker().typedName().type()).isEqualTo("max-score-picker");
    }

    @Test
    void builtInProfilesByName() {
        assertThat(EndpointPickerConfigLoader.builtInNames())
                .containsExactly("least-in-flight", "predicted-ttft", "reference", "round-robin");
        assertThat(weights(EndpointPickerConfigLoader.builtIn("reference"))).isEqualTo(weights(EndpointPickerConfigLoader.defaults()));
        assertThat(weights(EndpointPickerConfigLoader.builtIn("predicted-ttft"))).isEqualTo("predicted-ttft-scorer=1.0");
        assertThat(EndpointPickerConfigLoader.builtIn("round-robin").picker().typedName().type()).isEqualTo("round-robin-picker");
        assertThat(weights(EndpointPickerConfigLoader.builtIn("least-in-flight"))).isEqualTo("active-request-scorer=1.0");
        assertThat(EndpointPickerConfigLoader.builtIn("fastest")).isNull();
    }

    @Test
    void predictedTtftParametersAreCheckedLikeAnyOthers() {
        String yaml = """
                apiVersion: llm-d.ai/v1alpha1
                kind: EndpointPickerConfig
                plugins:
                - type: predicted-ttft-scorer
                  parameters: {runningRequestTokens: 32, kvPressureThreshold: PRESSURE}
                schedulingProfiles:
                - name: default
                  plugins: [{pluginRef: predicted-ttft-scorer}]
                """;
        expectError(yaml.replace("PRESSURE", "1.5"), "kvPressureThreshold");
        expectError(yaml.replace("kvPressureThreshold: PRESSURE", "queueWeight: 1"), "queueWeight");
    }

    @Test
    void loadsAReferenceStyleConfigWithNamesParametersAndDefaults() throws Exception {
        SchedulingProfile p = EndpointPickerConfigLoader.parse("""
                apiVersion: llm-d.ai/v1alpha1
                kind: EndpointPickerConfig
                plugins:
                - type: single-profile-handler
                - name: prefix
                  type: prefix-cache-scorer
                  parameters: {blockSize: 64, maxPrefixBlocksToMatch: 128, lruCapacityPerServer: 1000}
                - type: lora-affinity-scorer
                - type: weighted-random-picker
                  parameters: {maxNumOfEndpoints: 3}
                schedulingProfiles:
                - name: default
                  plugins:
                  - {pluginRef: prefix, weight: 3}
                  - {pluginRef: lora-affinity-scorer}
                  - {pluginRef: weighted-random-picker}
                """, "epp.yaml");
        assertThat(weights(p)).isEqualTo("prefix-cache-scorer=3.0,lora-affinity-scorer=1.0");
        assertThat(p.picker().typedName().type()).isEqualTo("weighted-random-picker");
        assertThat(p.name()).isEqualTo("default");
    }

    static void expectError(String yaml, String message) {
        assertThatThrownBy(() -> EndpointPickerConfigLoader.parse(yaml, "epp.yaml")).isInstanceOf(ConfigException.class)
                .hasMessageContaining(message);
    }

    @Test
    void rejectsBadConfigsWithAClearMessage() {
        String head = "kind: EndpointPickerConfig\nplugins:\n";
        expectError(head + "- type: magic-scorer\nschedulingProfiles: [{name: d, plugins: []}]",
                "epp.yaml: plugins[0].type: plugin type 'magic-scorer' is not registered; registered: ");
        expectError(head + "- type: queue-scorer\n  parameters: {depth: 3}\nschedulingProfiles: [{name: d, plugins: []}]",
                "plugins[0].parameters.depth: unknown field");
        expectError(head + "- type: max-score-picker\n  parameters: {maxNumOfEndpoints: 0}\nschedulingProfiles: [{name: d, plugins: []}]",
                "plugins[0].parameters.maxNumOfEndpoints: expected an integer in [1, 1000], got 0");
        expectError(head + "- type: queue-scorer\nschedulingProfiles: [{name: d, plugins: [{pluginRef: kv}]}]",
                "schedulingProfiles[0].plugins[0].pluginRef: no plugin named 'kv' in plugins; named: queue-scorer");
        expectError(head + "- type: queue-scorer\nschedulingProfiles: [{name: d, plugins: [{pluginRef: queue-scorer, weight: -1}]}]",
                "weight: expected a number in [0.0, 1000000.0], got -1");
        expectError(head + "- type: max-score-picker\nschedulingProfiles: [{name: d, plugins: [{pluginRef: max-score-picker, weight: 2}]}]",
                "only scorers take a weight");
        expectError(head + "- type: random-picker\n- type: max-score-picker\nschedulingProfiles: [{name: d, plugins: "
                + "[{pluginRef: random-picker}, {pluginRef: max-score-picker}]}]", "a profile has one picker");
        expectError("kind: Something\n", "kind: expected EndpointPickerConfig");
        expectError(head + "- type: queue-scorer\n- type: queue-scorer\nschedulingProfiles: []", "a second plugin is named 'queue-scorer'");
    }
}
