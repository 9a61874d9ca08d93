package dev.switchboard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ValidateCommandTest {

    private record Run(int code, String out, String err) {}

    private static Run validate(Path file) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true));
            System.setErr(new PrintStream(err, true));
            int code = Main.commandLine().execute("validate", file.toString());
            return new Run(code, out.toString(), err.toString());
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    @Test
    void theShippedExampleIsValid() {
        Run r = validate(Path.of("..", "examples", "gateway.yaml"));
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("ok: 2 rules, 3 backends, 0 InferencePools, listening on 127.0.0.1:8080");
    }

    @Test
    void aBrokenFileFailsWithThePlaceOfTheProblem(@TempDir Path dir) throws Exception {
        Path bad = dir.resolve("bad.yaml");
        Files.writeString(bad, Files.readString(Path.of("..", "examples", "gateway.yaml")).replace("weight: 9", "weight: nine"));
        Run r = validate(bad);
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains("bad.yaml: document 2 (AIGatewayRoute/example): spec.rules[1].backendRefs[0].weight: "
                + "expected an integer in [0, 1000000], got \"nine\"");
    }

    @Test
    void aBrokenEndpointPickerConfigOfAPoolFailsWithThePlaceOfTheProblem(@TempDir Path dir) throws Exception {
        Path bad = dir.resolve("pool.yaml");
        Files.writeString(bad, """
                apiVersion: aigateway.envoyproxy.io/v1beta1
                kind: AIGatewayRoute
                metadata: {name: main}
                spec:
                  rules: [{backendRefs: [{name: gpus, kind: InferencePool}]}]
                ---
                apiVersion: inference.networking.k8s.io/v1
                kind: InferencePool
                metadata: {name: gpus}
                spec:
                  selector: {matchLabels: {app: vllm}}
                  targetPorts: [{number: 8000}]
                  endpointPickerRef: {kind: EndpointPickerConfig, name: epp}
                ---
                apiVersion: llm-d.ai/v1alpha1
                kind: EndpointPickerConfig
                metadata: {name: epp}
                plugins: [{type: queue-scorer}]
                schedulingProfiles: [{name: default, plugins: [{pluginRef: queue-scorer}]}]
                flowControl: {defaultRequestTTL: 30s}
                """);
        Run r = validate(bad);
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains("pool.yaml: document 3 (EndpointPickerConfig/epp): flowControl.defaultRequestTTL: flow"
                + " control is off; add 'featureGates: [flowControl]'");
    }
}
