package dev.switchboard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ValidateCommandTest {
    static final String POOL_WITH_PICKER_CONFIG = """
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


    private static CliRun validate(Path file) {
        return CliRun.of("validate", file.toString());
    }

    @Test
    void theShippedExampleIsValid() {
        CliRun r = validate(Path.of("..", "examples", "gateway.yaml"));
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("ok: 2 rules, 3 backends, 0 InferencePools, listening on 127.0.0.1:8080");
    }

    @Test
    void theProvidersExampleIsValidAndSaysWhereEachKeyComesFrom() {
        CliRun r = validate(Path.of("..", "examples", "providers.yaml"));
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("ok: 3 rules, 5 backends")
                .contains("backend anthropic (Anthropic): AnthropicAPIKey, variable ANTHROPIC_API_KEY")
                .contains("backend bedrock (AWSAnthropic): AWSCredentials, SigV4 for us-east-1 from the default chain")
                .contains("backend vertex (GCPVertexAI): GCPCredentials, Google tokens for my-project/us-central1");
    }

    @Test
    void theGovernanceExampleIsValidAndListsItsDocuments() {
        CliRun r = validate(Path.of("..", "examples", "governance.yaml"));
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("ok: 1 rule, 1 backend").contains("ClientAuth 'clients'")
                .contains("RateLimitPolicy 'limits'").contains("PriceTable 'prices'")
                .contains("Guardrail 'chat-guardrails'");
    }

    @Test
    void aKeyInAFileIsNamedNeverPrinted(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("claude.key"), "sk-ant-never-printed-42\n");
        Path cfg = dir.resolve("claude.yaml");
        Files.writeString(cfg, Files.readString(Path.of("..", "examples", "providers.yaml"))
                .replace("anthropicAPIKey: {env: ANTHROPIC_API_KEY}", "anthropicAPIKey: {file: claude.key}"));
        CliRun r = validate(cfg);
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("AnthropicAPIKey, file " + dir.resolve("claude.key"));
        assertThat(r.out() + r.err()).doesNotContain("sk-ant-never-printed-42");
    }

    @Test
    void aBrokenFileFailsWithThePlaceOfTheProblem(@TempDir Path dir) throws Exception {
        Path bad = dir.resolve("bad.yaml");
        Files.writeString(bad, Files.readString(Path.of("..", "examples", "gateway.yaml")).replace("weight: 9", "weight: nine"));
        CliRun r = validate(bad);
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
        CliRun r = validate(bad);
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains("pool.yaml: document 3 (EndpointPickerConfig/epp): flowControl.defaultRequestTTL: flow"
                + " control is off; add 'featureGates: [flowControl]'");
    }

    @Test
    void aPoolsPickerPluginsAreCheckedToo(@TempDir Path dir) throws Exception {
        Path good = dir.resolve("good.yaml");
        Files.writeString(good, POOL_WITH_PICKER_CONFIG);
        assertThat(validate(good).code()).isZero();

        Path bad = dir.resolve("bad.yaml");
        Files.writeString(bad, POOL_WITH_PICKER_CONFIG.replace("validValues: [gold]", "validValues: gold"));
        CliRun r = validate(bad);
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains("bad.yaml: document 3 (EndpointPickerConfig/sticky): "
                + "plugins[1].parameters.validValues: expected a list, got \"gold\"");
    }
}
