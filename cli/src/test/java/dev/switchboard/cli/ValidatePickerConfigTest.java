package dev.switchboard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code switchboard validate} also checks the EndpointPickerConfig documents a pool uses. */
class ValidatePickerConfigTest {
    static final String FILE = """
            apiVersion: aigateway.envoyproxy.io/v1beta1
            kind: AIGatewayRoute
            metadata: {name: main}
            spec:
              rules: [{backendRefs: [{name: chat, kind: InferencePool}]}]
            ---
            apiVersion: inference.networking.k8s.io/v1
            kind: InferencePool
            metadata: {name: chat}
            spec:
              selector: {matchLabels: {app: vllm}}
              targetPorts: [{number: 8000}]
              endpointPickerRef: {kind: EndpointPickerConfig, name: sticky}
            ---
            apiVersion: llm-d.ai/v1alpha1
            kind: EndpointPickerConfig
            metadata: {name: sticky}
            plugins:
            - type: session-affinity-scorer
            - type: by-label
              parameters: {label: tier, validValues: [gold]}
            schedulingProfiles:
            - name: default
              plugins: [{pluginRef: by-label}, {pluginRef: session-affinity-scorer, weight: 5}]
            """;

    static int validate(Path file, ByteArrayOutputStream err) {
        PrintStream old = System.err;
        PrintStream oldOut = System.out;
        try {
            System.setErr(new PrintStream(err, true));
            System.setOut(new PrintStream(new ByteArrayOutputStream(), true));
            return Main.commandLine().execute("validate", file.toString());
        } finally {
            System.setErr(old);
            System.setOut(oldOut);
        }
    }

    @Test
    void aPoolsPickerPluginsAreCheckedToo(@TempDir Path dir) throws Exception {
        Path good = dir.resolve("good.yaml");
        Files.writeString(good, FILE);
        assertThat(validate(good, new ByteArrayOutputStream())).isZero();

        Path bad = dir.resolve("bad.yaml");
        Files.writeString(bad, FILE.replace("validValues: [gold]", "validValues: gold"));
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertThat(validate(bad, err)).isEqualTo(1);
        assertThat(err.toString()).contains("bad.yaml: document 3 (EndpointPickerConfig/sticky): "
                + "plugins[1].parameters.validValues: expected a list, got \"gold\"");
    }
}
