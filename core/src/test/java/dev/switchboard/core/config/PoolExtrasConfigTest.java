package dev.switchboard.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** InferenceModelRewrite documents and EndpointPickerConfig documents bound to a pool. */
class PoolExtrasConfigTest {
    static final String BASE = """
            apiVersion: aigateway.envoyproxy.io/v1beta1
            kind: AIGatewayRoute
            metadata: {name: main}
            spec:
              rules:
              - backendRefs: [{name: reviews, kind: InferencePool}]
            ---
            apiVersion: inference.networking.k8s.io/v1
            kind: InferencePool
            metadata: {name: reviews}
            spec:
              selector: {matchLabels: {app: vllm}}
              targetPorts: [{number: 8000}]
              endpointPickerRef: {group: llm-d.ai, kind: EndpointPickerConfig, name: sticky}
            ---
            apiVersion: inference.networking.k8s.io/v1
            kind: InferencePool
            metadata: {name: plain}
            spec:
              selector: {matchLabels: {app: vllm}}
              targetPorts: [{number: 8000}]
              endpointPickerRef: {name: some-epp-service, port: {number: 9002}}
            ---
            apiVersion: switchboard.dev/v1alpha1
            kind: Endpoints
            metadata: {name: nodes}
            spec:
              endpoints: [{address: 10.0.0.1, labels: {app: vllm}}]
            ---
            apiVersion: llm-d.ai/v1alpha1
            kind: EndpointPickerConfig
            metadata: {name: sticky}
            plugins:
            - type: session-affinity-scorer
            schedulingProfiles:
            - name: default
              plugins: [{pluginRef: session-affinity-scorer}]
            ---
            apiVersion: llm-d.ai/v1alpha2
            kind: InferenceModelRewrite
            metadata: {name: food-review-split}
            spec:
              poolRef: {group: inference.networking.k8s.io, kind: InferencePool, name: reviews}
              rules:
              - matches: [{model: {type: Exact, value: food-review}}]
                targets:
                - {modelRewrite: food-review-v1, weight: 90}
                - {modelRewrite: food-review-v2, weight: 10}
              - targets: [{modelRewrite: base-model}]
            ---
            apiVersion: inference.networking.x-k8s.io/v1alpha2
            kind: InferenceModelRewrite
            metadata: {name: later}
            spec:
              poolRef: {name: reviews}
              rules:
              - matches: [{model: {value: food-review}}, {model: {value: chat}}]
                targets: [{modelRewrite: never-for-food-review}]
            """;

    static PoolConfig pool(GatewayConfig c, String name) {
        return c.pools().stream().filter(p -> p.name().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void rewritesAttachToTheirPoolInFileOrder() throws Exception {
        GatewayConfig c = ConfigLoader.parse(BASE, "gw.yaml");
        ModelRewrites r = pool(c, "reviews").rewrites();
        assertThat(r.rules()).extracting(ModelRewrites.Rule::origin).containsExactly(
                "InferenceModelRewrite/food-review-split rules[0]", "InferenceModelRewrite/food-review-split rules[1]",
                "InferenceModelRewrite/later rules[0]");
        assertThat(r.ruleFor("food-review").targets()).extracting(ModelRewrites.Target::model)
                .containsExactly("food-review-v1", "food-review-v2");
        assertThat(r.ruleFor("chat").origin()).as("exact in a later document beats the earlier generic rule")
                .isEqualTo("InferenceModelRewrite/later rules[0]");
        assertThat(r.choose("anything", new SplittableRandom(1))).isEqualTo("base-model");
        assertThat(pool(c, "plain").rewrites().isEmpty()).isTrue();
        assertThat(c.rules().get(0).backendRefs().get(0).pool().rewrites()).isSameAs(r);
    }

    @Test
    void anEndpointPickerRefOfKindEndpointPickerConfigBindsThatDocument() throws Exception {
        GatewayConfig c = ConfigLoader.parse(BASE, "gw.yaml");
        PoolConfig.PickerRef d = pool(c, "reviews").picker();
        assertThat(d.name()).isEqualTo("sticky");
        assertThat(d.document().error("plugins", "x").getMessage())
                .as("the picker module reports errors at the document's location")
                .isEqualTo("gw.yaml: document 5 (EndpointPickerConfig/sticky): plugins: x");
        assertThat(pool(c, "plain").picker().document())
                .as("a Service ref naming no document: an external EPP, the default profile here").isNull();
    }

    static void expectError(String yaml, String message) {
        assertThatThrownBy(() -> ConfigLoader.parse(yaml, "gw.yaml")).isInstanceOf(ConfigException.class)
                .hasMessage(message);
    }

    @Test
    void badRewritesAreRejectedWithTheirLocation() {
        String doc7 = "gw.yaml: document 7 (InferenceModelRewrite/later): ";
        expectError(BASE.replace("poolRef: {name: reviews}", "poolRef: {name: revues}"),
                doc7 + "spec.poolRef.name: no InferencePool named 'revues' in this file; InferencePools: reviews, plain");
        expectError(BASE.replace("poolRef: {name: reviews}", "poolRef: {name: reviews, kind: Service}"),
                doc7 + "spec.poolRef.kind: expected InferencePool, got 'Service'");
        expectError(BASE.replace("{model: {value: chat}}", "{model: {type: Prefix, value: chat}}"),
                doc7 + "spec.rules[0].matches[1].model.type: expected Exact (the only match type), got 'Prefix'");
        expectError(BASE.replace("{model: {value: chat}}", "{model: {value: \"\"}}"),
                doc7 + "spec.rules[0].matches[1].model.value: required: a non-empty string");
        expectError(BASE.replace("targets: [{modelRewrite: never-for-food-review}]", "targets: []"),
                doc7 + "spec.rules[0].targets: required: at least one target");
        expectError(BASE.replace("rules:\n  - matches: [{model: {value: food-review}}, {model: {value: chat}}]\n"
                + "    targets: [{modelRewrite: never-for-food-review}]", "rules: []"),
                doc7 + "spec.rules: required: at least one rule");
        String doc6 = "gw.yaml: document 6 (InferenceModelRewrite/food-review-split): ";
        expectError(BASE.replace("weight: 90", "weight: 0"),
                doc6 + "spec.rules[0].targets[0].weight: expected an integer in [1, 1000000], got 0");
        expectError(BASE.replace("weight: 10}", "weight: 1000001}"),
                doc6 + "spec.rules[0].targets[1].weight: expected an integer in [1, 1000000], got 1000001");
        expectError(BASE.replace("{modelRewrite: food-review-v2, weight: 10}", "{modelRewrite: food-review-v2}"),
                doc6 + "spec.rules[0].targets[1].weight: required: weights are all or none, and "
                        + "spec.rules[0].targets[0] has one");
        expectError(BASE.replace("{modelRewrite: food-review-v1, weight: 90}", "{model: food-review-v1, weight: 90}"),
                doc6 + "spec.rules[0].targets[0].model: unknown field; expected one of modelRewrite, weight");
        expectError(BASE.replace("{modelRewrite: food-review-v1, weight: 90}", "{modelRewrite: \"food-review-v1\\n\", weight: 90}"),
                doc6 + "spec.rules[0].targets[0].modelRewrite: not a valid header value: character 0x0a (a control"
                        + " character) at index 14");
        expectError(BASE.replace("apiVersion: llm-d.ai/v1alpha2", "apiVersion: inference.networking.k8s.io/v1"),
                doc6 + "apiVersion: expected llm-d.ai/<version> or inference.networking.x-k8s.io/<version>, got "
                        + "'inference.networking.k8s.io/v1'");
    }

    @Test
    void badPickerReferencesAndDocumentsAreRejected() {
        expectError(BASE.replace("kind: EndpointPickerConfig, name: sticky", "kind: EndpointPickerConfig, name: stikcy"),
                "gw.yaml: document 2 (InferencePool/reviews): spec.endpointPickerRef.name: no EndpointPickerConfig "
                        + "named 'stikcy' in this file; EndpointPickerConfigs: sticky");
        expectError(BASE.replace("plugins:\n- type: session-affinity-scorer", "spec: {}\nplugins:\n- type: x"),
                "gw.yaml: document 5: spec: unknown field; expected one of apiVersion, featureGates, flowControl, kind, "
                        + "metadata, plugins, saturationDetector, schedulingProfiles");
        expectError(BASE.replace("apiVersion: llm-d.ai/v1alpha1", "apiVersion: v1"),
                "gw.yaml: document 5 (EndpointPickerConfig/sticky): apiVersion: expected llm-d.ai/<version> or "
                        + "inference.networking.x-k8s.io/<version> or switchboard.dev/<version>, got 'v1'");
    }
}
