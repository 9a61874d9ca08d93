package dev.switchboard.gateway.routing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.core.config.ConfigLoader;
import org.junit.jupiter.api.Test;

/** What GET /v1/models lists: exact matches, and the aliases a rule really routes (rewrites, LoRA adapters). */
class RouterCatalogTest {
    static final String YAML = """
            apiVersion: aigateway.envoyproxy.io/v1beta1
            kind: AIGatewayRoute
            metadata: {name: main}
            spec:
              rules:
              - matches: [{headers: [{name: x-ai-eg-model, value: claude-sonnet-4-5}]}]
                backendRefs: [{name: claude}]
              - matches: [{headers: [{type: Prefix, name: x-ai-eg-model, value: food-}]}]
                backendRefs: [{name: reviews, kind: InferencePool}]
            ---
            apiVersion: aigateway.envoyproxy.io/v1beta1
            kind: AIServiceBackend
            metadata: {name: claude}
            spec: {schema: {name: Anthropic}, backendRef: {name: claude}}
            ---
            apiVersion: gateway.envoyproxy.io/v1alpha1
            kind: Backend
            metadata: {name: claude}
            spec: {endpoints: [{fqdn: {hostname: api.anthropic.com, port: 443}}]}
            ---
            apiVersion: inference.networking.k8s.io/v1
            kind: InferencePool
            metadata: {name: reviews}
            spec:
              selector: {matchLabels: {app: vllm}}
              targetPorts: [{number: 8000}]
            ---
            apiVersion: switchboard.dev/v1alpha1
            kind: Endpoints
            metadata: {name: nodes}
            spec:
              endpoints: [{address: 10.0.0.1, labels: {app: vllm}}]
            ---
            apiVersion: llm-d.ai/v1alpha2
            kind: InferenceModelRewrite
            metadata: {name: split}
            spec:
              poolRef: {group: inference.networking.k8s.io, kind: InferencePool, name: reviews}
              rules:
              - matches: [{model: {type: Exact, value: food-review}}]
                targets: [{modelRewrite: food-review-v1}]
              - matches: [{model: {type: Exact, value: unrouted-alias}}]
                targets: [{modelRewrite: food-review-v1}]
            ---
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: adapters}
            data:
              baseModel: meta-llama/Llama-3.1-8B-Instruct
              adapters: |
                - food-critic
            """;

    @Test
    void listsExactNamesAndTheAliasesARuleRoutesWithWhoServesThem() throws Exception {
        Router router = new Router(ConfigLoader.parse(YAML, "test.yaml"));
        assertThat(router.catalog()).containsExactly(
                new Router.ListedModel("claude-sonnet-4-5", "anthropic"),
                new Router.ListedModel("food-review", "reviews"),
                new Router.ListedModel("food-critic", "reviews"));
        assertThat(router.models()).as("the metrics' exact names are unchanged").containsExactly("claude-sonnet-4-5");
    }
}
