package dev.switchboard.picker.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.core.config.ConfigException;
import dev.switchboard.picker.flowcontrol.FlowControlConfig;
import dev.switchboard.picker.flowcontrol.UtilizationDetector;
import dev.switchboard.picker.plugins.filter.UtilizationFilter;
import dev.switchboard.picker.scheduling.SchedulingProfile;
import dev.switchboard.picker.datalayer.EngineType;
import dev.switchboard.picker.datalayer.ModelServerMetrics;
import dev.switchboard.picker.pool.Endpoint;
import dev.switchboard.picker.scheduling.EndpointState;
import dev.switchboard.picker.scheduling.PickRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class EndpointPickerConfigLoaderTest {

    static String weights(SchedulingProfile p) {
        return String.join(",", p.scorers().stream()
                .map(w -> w.scorer().typedName().type() + "=" + w.weight()).toList());
    }

    @Test
    void theReferenceProfileIsQueue2KvCache2Prefix3WithTheMaxScorePicker() {
        SchedulingProfile p = EndpointPickerConfigLoader.builtIn("reference");
        assertThat(weights(p)).isEqualTo("queue-scorer=2.0,kv-cache-utilization-scorer=2.0,prefix-cache-scorer=3.0");
        assertThat(p.picker().typedName().type()).isEqualTo("max-score-picker");
    }

    @Test
    void theExampleProfileLoads() throws Exception {
        Path file = Path.of("../examples/picker/reference-lora.yaml");
        SchedulingProfile p = EndpointPickerConfigLoader.load(Files.readString(file), file.toString()).profile();
        assertThat(weights(p)).isEqualTo("queue-scorer=2.0,kv-cache-utilization-scorer=2.0,prefix-cache-scorer=3.0,"
                + "lora-affinity-scorer=2.0");
    }

    @Test
    void builtInProfilesByName() {
        assertThat(EndpointPickerConfigLoader.builtInNames())
                .containsExactly("least-in-flight", "predicted-ttft", "reference", "round-robin", "sticky",
                        "sticky-learned");
        assertThat(EndpointPickerConfigLoader.builtIn("sticky").filters()).extracting(f -> f.typedName().type())
                .containsExactly("prefix-cache-affinity-filter");
        assertThat(weights(EndpointPickerConfigLoader.builtIn("sticky-learned"))).isEqualTo("token-load-scorer=1.0");
        assertThat(weights(EndpointPickerConfigLoader.builtIn("predicted-ttft"))).isEqualTo("predicted-ttft-scorer=1.0");
        assertThat(weights(EndpointPickerConfigLoader.defaults())).as("the default").isEqualTo("predicted-ttft-scorer=1.0");
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
    void thePrefixIndexsMemoryBoundIsAQuantityAndTheIndexKeepsToIt() throws Exception {
        String yaml = """
                kind: EndpointPickerConfig
                plugins:
                - type: prefix-cache-scorer
                  parameters: {blockSize: 1, maxPrefixBlocksToMatch: 65536, autoTune: false,
                               lruCapacityPerServer: 67108864, maxIndexBytes: BYTES}
                schedulingProfiles:
                - name: default
                  plugins: [{pluginRef: prefix-cache-scorer}]
                """;
        expectError(yaml.replace("BYTES", "512Ki"),
                "plugins[0].parameters.maxIndexBytes: expected a size from 1Mi to 16Gi, got 512Ki");
        expectError(yaml.replace("BYTES", "lots"), "plugins[0].parameters.maxIndexBytes: expected a quantity");
        EndpointPickerConfigLoader.parse(yaml.replace("prefix-cache-scorer", "predicted-ttft-scorer")
                .replace("BYTES", "256Mi"), "epp.yaml");

        SchedulingProfile p = EndpointPickerConfigLoader.parse(yaml.replace("BYTES", "1Mi"), "epp.yaml");
        List<EndpointState> one = List.of(new EndpointState(new Endpoint("10.0.0.1", 8000, Map.of(), EngineType.VLLM),
                null, false, 0, 0));
        for (int i = 0; i < 7; i++) { // 70,000 blocks of 1 token; 1 MiB holds about 43,700
            p.pick(PickRequest.of("m", (char) ('A' + i) + "x".repeat(39_999), Map.of(), 0), one, new Random(1));
        }
        double[] s = new double[1];
        p.scorers().get(0).scorer().score(PickRequest.of("m", "A" + "x".repeat(39_999), Map.of(), 0), one, s);
        assertThat(s).as("the first prompt, forgotten for the bound").containsExactly(0.0);
        p.scorers().get(0).scorer().score(PickRequest.of("m", "G" + "x".repeat(39_999), Map.of(), 0), one, s);
        assertThat(s).as("the last prompt").containsExactly(1.0);
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

    static final String PROFILE = """
            schedulingProfiles:
            - name: default
              plugins: [{pluginRef: queue-scorer}]
            """;

    static EndpointPickerConfig load(String yaml) throws ConfigException {
        return EndpointPickerConfigLoader.load("kind: EndpointPickerConfig\n" + yaml + PROFILE, "epp.yaml");
    }

    static void expectLoadError(String yaml, String message) {
        assertThatThrownBy(() -> load(yaml)).isInstanceOf(ConfigException.class).hasMessageContaining(message);
    }

    @Test
    void withoutAnyAdmissionSettingsTheDetectorIsTheDefaultUtilizationDetectorAndFlowControlIsOff() throws Exception {
        EndpointPickerConfig c = load("plugins: [{type: queue-scorer}]\n");
        assertThat(c.flowControlEnabled()).isFalse();
        assertThat(c.saturationDetector()).isInstanceOfSatisfying(UtilizationDetector.class,
                d -> assertThat(d.params()).isEqualTo(UtilizationFilter.Params.DEFAULTS));
        assertThat(EndpointPickerConfigLoader.defaultConfig().saturationDetector().typedName().type())
                .isEqualTo("utilization-detector");
    }

    @Test
    void theSaturationDetectorIsAUtilizationDetectorPluginNamedByEitherReference() throws Exception {
        String plugins = """
                plugins:
                - type: queue-scorer
                - name: strict
                  type: utilization-detector
                  parameters: {queueDepthThreshold: 2, kvCacheUtilThreshold: 0.5, headroom: 0.1, metricsStalenessThreshold: 200ms}
                """;
        EndpointPickerConfig deprecated = load(plugins + "saturationDetector: {pluginRef: strict}\n");
        assertThat(((UtilizationDetector) deprecated.saturationDetector()).params())
                .isEqualTo(new UtilizationFilter.Params(2, 0.5, 0.1));
        EndpointPickerConfig current = load(plugins + "flowControl: {saturationDetector: {pluginRef: strict}}\n");
        assertThat(current.saturationDetector().typedName().name()).isEqualTo("strict");
        assertThat(current.flowControlEnabled()).as("the detector alone does not turn flow control on").isFalse();
    }

    static EndpointState endpoint(int waiting) {
        return new EndpointState(new Endpoint("10.0.0.1", 8000 + waiting, Map.of(), EngineType.VLLM),
                new ModelServerMetrics(waiting, 1, 0.1, 16, 1000, -1, List.of(), List.of()), true, 0, 0);
    }

    @Test
    void theUtilizationFilterCanFilterInAProfile() throws Exception {
        SchedulingProfile p = EndpointPickerConfigLoader.parse("""
                kind: EndpointPickerConfig
                plugins:
                - {type: utilization-filter, parameters: {queueDepthThreshold: 8, headroom: 0.5}}
                - {type: queue-scorer}
                schedulingProfiles:
                - name: default
                  plugins: [{pluginRef: utilization-filter}, {pluginRef: queue-scorer}]
                """, "epp.yaml");
        // limit 8 x 1.5 = 12: the endpoint with 12 waiting is filtered out, the one with 11 is left
        assertThat(p.pick(PickRequest.of("m", "", Map.of(), 0), List.of(endpoint(12), endpoint(11)), new Random(1))
                .endpoints()).singleElement().satisfies(e -> assertThat(e.waiting()).isEqualTo(11));
    }

    @Test
    void theFlowControlGateTurnsFlowControlOnAndTheSectionTunesIt() throws Exception {
        EndpointPickerConfig defaults = load("featureGates: [flowControl]\nplugins: [{type: queue-scorer}]\n");
        assertThat(defaults.flowControl()).isEqualTo(FlowControlConfig.defaults());

        EndpointPickerConfig c = load("""
                featureGates: ["flowControl=true"]
                plugins:
                - type: queue-scorer
                - {name: oldest-first, type: global-strict-fairness-policy}
                flowControl:
                  maxBytes: 1Gi
                  maxRequests: "2k"
                  defaultRequestTTL: 30s
                  defaultPriorityBand: {maxRequests: 100}
                  defaultNegativePriorityBand: {maxRequests: 5, maxBytes: 1M}
                  priorityBands:
                  - {priority: 10, maxRequests: 0, fairnessPolicyRef: oldest-first, orderingPolicyRef: fcfs-ordering-policy}
                  - {priority: 0, fairnessPolicyRef: round-robin-fairness-policy}
                """);
        FlowControlConfig fc = c.flowControl();
        assertThat(fc.maxBytes()).isEqualTo(1L << 30);
        assertThat(fc.maxRequests()).isEqualTo(2000);
        assertThat(fc.defaultRequestTTL()).isEqualTo(Duration.ofSeconds(30));
        assertThat(fc.band(10)).isEqualTo(new FlowControlConfig.Band(1_000_000_000, 5000,
                FlowControlConfig.Fairness.GLOBAL_STRICT));
        assertThat(fc.band(0).fairness()).isEqualTo(FlowControlConfig.Fairness.ROUND_ROBIN);
        assertThat(fc.band(3).maxRequests()).isEqualTo(100);
        assertThat(fc.band(-1)).isEqualTo(new FlowControlConfig.Band(1_000_000, 5, FlowControlConfig.Fairness.ROUND_ROBIN));
        assertThat(load("featureGates: [flowControl=false]\nplugins: [{type: queue-scorer}]\n").flowControlEnabled())
                .isFalse();
    }

    @Test
    void rejectsBadAdmissionSettingsWithAClearMessage() {
        String plugins = "plugins: [{type: queue-scorer}]\n";
        expectLoadError(plugins + "flowControl: {maxRequests: 10}\n",
                "epp.yaml: flowControl.maxRequests: flow control is off; add 'featureGates: [flowControl]'");
        expectLoadError(plugins + "featureGates: [magic]\n", "featureGates[0]: unknown feature gate 'magic'");
        expectLoadError(plugins + "featureGates: [flowControl]\nflowControl: {maxBytes: lots}\n",
                "flowControl.maxBytes: expected a quantity like 100, 1k, 500M or 1Gi, got 'lots'");
        expectLoadError(plugins + "featureGates: [flowControl]\nflowControl: {defaultRequestTTL: soon}\n",
                "flowControl.defaultRequestTTL: expected a duration");
        expectLoadError(plugins + "featureGates: [flowControl]\nflowControl: {priorityBands: [{maxRequests: 3}]}\n",
                "flowControl.priorityBands[0].priority: required");
        expectLoadError(plugins + "featureGates: [flowControl]\nflowControl: {priorityBands: [{priority: 1}, {priority: 1}]}\n",
                "flowControl.priorityBands[1].priority: a second band for priority 1");
        expectLoadError(plugins + "featureGates: [flowControl]\nflowControl: {defaultPriorityBand: {fairnessPolicyRef: lottery}}\n",
                "flowControl.defaultPriorityBand.fairnessPolicyRef: expected round-robin-fairness-policy or "
                        + "global-strict-fairness-policy (or the name of such a plugin), got 'lottery'");
        expectLoadError(plugins + "featureGates: [flowControl]\nflowControl: {defaultPriorityBand: {orderingPolicyRef: edf-ordering-policy}}\n",
                "only fcfs-ordering-policy is supported");
        expectLoadError(plugins + "featureGates: [flowControl]\nflowControl: {noEndpointRequestTTL: 5s}\n",
                "flowControl.noEndpointRequestTTL: not supported");
        expectLoadError(plugins + "featureGates: [flowControl]\nflowControl: {enableEviction: true}\n",
                "flowControl.enableEviction: evicting requests in flight is not supported yet");
        expectLoadError(plugins + "saturationDetector: {pluginRef: queue-scorer}\n",
                "saturationDetector.pluginRef: 'queue-scorer' is a queue-scorer, not a saturation detector");
        expectLoadError(plugins + "flowControl: {saturationDetector: {pluginRef: nope}}\n",
                "flowControl.saturationDetector.pluginRef: no plugin named 'nope'");
        expectLoadError("plugins: [{type: utilization-detector, parameters: {queueDepthThreshold: 0}}]\n",
                "plugins[0].parameters.queueDepthThreshold: expected an integer in [1, 1000000], got 0");
        expectLoadError("plugins: [{type: utilization-detector, parameters: {kvCacheUtilThreshold: 0}}]\n",
                "plugins[0].parameters: kvCacheUtilThreshold must be in (0, 1], got 0.0");
        expectLoadError("plugins: [{type: utilization-filter, parameters: {metricsStalenessThreshold: 1s}}]\n",
                "plugins[0].parameters.metricsStalenessThreshold: only 200ms is supported");
    }
}
