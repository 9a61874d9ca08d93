package dev.switchboard.picker.config;

import static dev.switchboard.picker.config.EndpointPickerConfigLoaderTest.expectError;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.switchboard.core.config.Fields;
import dev.switchboard.picker.scheduling.SchedulingProfile;
import org.junit.jupiter.api.Test;

/** Loading the session-affinity and label plugins, and an EndpointPickerConfig document of the gateway's file. */
class PickerExtrasConfigTest {
    static final String HEAD = "kind: EndpointPickerConfig\nplugins:\n";
    static final String PROFILE = "schedulingProfiles: [{name: d, plugins: [{pluginRef: p}]}]";

    static String plugin(String type, String parameters) {
        return HEAD + "- name: p\n  type: " + type + "\n  parameters: " + parameters + "\n" + PROFILE;
    }

    @Test
    void theNewTypesLoadWithTheReferenceParameters() throws Exception {
        SchedulingProfile p = EndpointPickerConfigLoader.parse("""
                kind: EndpointPickerConfig
                plugins:
                - type: by-label
                  parameters: {label: llm-d.ai/role, validValues: [decode, both], allowsNoLabel: true}
                - type: label-selector-filter
                  parameters:
                    matchLabels: {hardware: H100}
                    matchExpressions: [{key: zone, operator: NotIn, values: [eu-1]}]
                - type: by-label-selector
                  parameters: {matchLabels: {a: b}}
                - type: session-affinity-filter
                  parameters: {strategy: encoded_endpoint_header, encodedEndpointHeaderConfig: {header: X-Sticky}}
                - type: session-affinity-scorer
                  parameters: {headerName: x-session-token}
                - type: queue-scorer
                schedulingProfiles:
                - name: default
                  plugins:
                  - {pluginRef: by-label}
                  - {pluginRef: label-selector-filter}
                  - {pluginRef: by-label-selector}
                  - {pluginRef: session-affinity-filter}
                  - {pluginRef: session-affinity-scorer, weight: 10}
                  - {pluginRef: queue-scorer}
                """, "epp.yaml");
        assertThat(EndpointPickerConfigLoaderTest.weights(p)).isEqualTo("session-affinity-scorer=10.0,queue-scorer=1.0");
        assertThat(p.responseHeaderProcessors()).extracting(r -> r.typedName().type())
                .containsExactly("session-affinity-filter", "session-affinity-scorer");
    }

    @Test
    void onlyPluginsTheProfileReferencesProcessResponses() throws Exception {
        SchedulingProfile p = EndpointPickerConfigLoader.parse(HEAD + "- type: session-affinity-scorer\n- type: queue-scorer\n"
                + "schedulingProfiles: [{name: d, plugins: [{pluginRef: queue-scorer}]}]", "epp.yaml");
        assertThat(p.responseHeaderProcessors()).isEmpty();
        assertThat(EndpointPickerConfigLoader.defaults().responseHeaderProcessors()).isEmpty();
    }

    @Test
    void badParametersNameTheirField() {
        expectError(plugin("by-label", "{validValues: [a]}"), "epp.yaml: plugins[0].parameters.label: required: a non-empty string");
        expectError(plugin("by-label", "{label: role}"), "plugins[0].parameters.validValues: required: at least one "
                + "value unless allowsNoLabel is true");
        expectError(plugin("by-label", "{label: role, validValues: a}"), "plugins[0].parameters.validValues: expected a list");
        expectError(plugin("by-label", "{label: role, allowsNoLabel: \"yes\"}"),
                "plugins[0].parameters.allowsNoLabel: expected true or false, got \"yes\"");
        expectError(plugin("label-selector-filter", "{matchExpressions: [{key: a, operator: Maybe}]}"),
                "plugins[0].parameters.matchExpressions[0].operator: expected In, NotIn, Exists or DoesNotExist, got 'Maybe'");
        expectError(plugin("label-selector-filter", "{matchExpressions: [{key: a, operator: In}]}"),
                "plugins[0].parameters.matchExpressions[0].values: required: at least one value for operator In");
        expectError(plugin("label-selector-filter", "{matchExpressions: [{key: a, operator: Exists, values: [x]}]}"),
                "plugins[0].parameters.matchExpressions[0].values: must be empty for operator Exists");
        expectError(plugin("label-selector-filter", "{matchLabels: {a: [x]}}"),
                "plugins[0].parameters.matchLabels.a: expected a string");
        expectError(plugin("label-selector-filter", "{selector: {}}"), "plugins[0].parameters.selector: unknown field");
        expectError(plugin("session-affinity-scorer", "{algorithm: session_id_header}"),
                "plugins[0].parameters.algorithm: expected encoded_endpoint_header (the server-side session-id "
                        + "strategies are not implemented), got 'session_id_header'");
        expectError(plugin("session-affinity-scorer", "{headerName: \" \"}"),
                "plugins[0].parameters.headerName: required: a non-empty header name");
        expectError(plugin("session-affinity-filter", "{strategy: session_id}"), "plugins[0].parameters.strategy: expected");
        expectError(plugin("session-affinity-filter", "{encodedEndpointHeaderConfig: {name: x}}"),
                "plugins[0].parameters.encodedEndpointHeaderConfig.name: unknown field; expected one of header");
    }

    @Test
    void thePreciseScorerRefusesWhatItCannotDoAndBindsWhereItIsTold() throws Exception {
        expectError(plugin("precise-prefix-cache-scorer", "{tokenizer: hf}"), "plugins[0].parameters.tokenizer: only "
                + "'simulator' (Switchboard's simulator) is supported yet, got 'hf': matching a real engine's blocks needs "
                + "its model's tokenizer and chat template; use prefix-cache-scorer without kvEventsConfig for it");
        expectError(plugin("prefix-cache-scorer", "{tokenizer: simulator}"), "plugins[0].parameters.tokenizer: applies to "
                + "KV events only: set kvEventsConfig too");
        expectError(plugin("precise-prefix-cache-scorer", "{indexerConfig: {tokenProcessorConfig: {blockSize: 16}}}"),
                "plugins[0].parameters.indexerConfig: is llm-d's tokenizer and index setup, not supported");
        expectError(plugin("precise-prefix-cache-scorer", "{kvEventsConfig: {zmqEndpoint: \"localhost:5557\"}}"),
                "plugins[0].parameters.kvEventsConfig.zmqEndpoint: expected tcp://host:port or ipc://path");
        expectError(plugin("precise-prefix-cache-scorer", "{kvEventsConfig: {concurrency: 4}}"),
                "plugins[0].parameters.kvEventsConfig.concurrency: unknown field");
        int port;
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = taken.getLocalPort();
            expectError(plugin("precise-prefix-cache-scorer", "{kvEventsConfig: {zmqEndpoint: \"tcp://127.0.0.1:"
                    + port + "\"}}"), "plugins[0].parameters.kvEventsConfig: cannot receive KV events on tcp://127.0.0.1:"
                    + port);
        }
        // free now: it binds, and a second config (a reload) shares the same socket
        String yaml = plugin("precise-prefix-cache-scorer", "{kvEventsConfig: {zmqEndpoint: \"tcp://127.0.0.1:" + port
                + "\"}}");
        assertThat(EndpointPickerConfigLoader.parse(yaml, "epp.yaml")).isNotNull();
        assertThat(EndpointPickerConfigLoader.parse(yaml, "epp.yaml")).isNotNull();
        expectError(plugin("precise-prefix-cache-scorer", "{blockSize: 32, kvEventsConfig: {zmqEndpoint: "
                + "\"tcp://127.0.0.1:" + port + "\"}}"), "already received with topicFilter 'kv@' and blockSize 16");
        // any prefix-aware plugin takes the same events (the predicted-ttft profile's filter and scorer)
        assertThat(EndpointPickerConfigLoader.parse(HEAD + "- name: p\n  type: predicted-ttft-scorer\n  parameters: "
                + "{kvEventsConfig: {zmqEndpoint: \"tcp://127.0.0.1:" + port + "\"}}\n" + PROFILE, "epp.yaml")).isNotNull();
    }

    @Test
    void aGatewayFileDocumentLoadsWithItsMetadataAndReportsItsLocation() throws Exception {
        String doc = """
                apiVersion: llm-d.ai/v1alpha1
                kind: EndpointPickerConfig
                metadata: {name: sticky}
                plugins: [{type: session-affinity-scorer}]
                schedulingProfiles: [{name: default, plugins: [{pluginRef: session-affinity-scorer}]}]
                """;
        String where = "gw.yaml: document 4 (EndpointPickerConfig/sticky)";
        SchedulingProfile p = EndpointPickerConfigLoader.load(new Fields(new ObjectMapper(new YAMLFactory()).readTree(doc),
                where, "")).profile();
        assertThat(p.responseHeaderProcessors()).hasSize(1);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> EndpointPickerConfigLoader.load(new Fields(
                new ObjectMapper(new YAMLFactory()).readTree(doc.replace("{type: session", "{type: sesion")), where, "")))
                .hasMessageStartingWith(where + ": plugins[0].type: plugin type 'sesion-affinity-scorer' is not registered");
    }
}
