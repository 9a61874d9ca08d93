package dev.switchboard.cli;

import dev.switchboard.sim.SimConfig;
import dev.switchboard.sim.engine.EngineConfig;
import dev.switchboard.sim.server.SimServer;
import java.util.List;
import java.util.Map;

/**
 * What {@code switchboard run} serves with no configuration: an InferencePool of in-process simulated model servers,
 * picked by the default profile (predicted-ttft), plus every provider whose standard API-key variable is set. Built
 * as configuration text and loaded like any file.
 */
final class EmbeddedDefault {
    /** Simulated model servers in the embedded pool. */
    static final int SIM_ENDPOINTS = 2;

    private EmbeddedDefault() {}

    /** Starts the simulated pool; the caller closes it. */
    static SimServer startSims() throws InterruptedException {
        return SimServer.start(SimConfig.defaults().withEndpoints(0, SIM_ENDPOINTS)
                .withEngine(EngineConfig.defaults().withTimeScale(1)));
    }

    /**
     * The configuration for {@code sims} and the providers with keys in {@code env}: the API on {@code host:port},
     * the admin listener on {@code adminHost:adminPort}.
     */
    static String yaml(SimServer sims, Map<String, String> env, String host, int port, String adminHost, int adminPort) {
        StringBuilder y = new StringBuilder();
        y.append("""
                apiVersion: switchboard.dev/v1alpha1
                kind: Gateway
                metadata: {name: embedded}
                spec: {listen: {host: %s, port: %d}, admin: {host: %s, port: %d}}
                ---
                apiVersion: aigateway.envoyproxy.io/v1beta1
                kind: AIGatewayRoute
                metadata: {name: embedded}
                spec:
                  rules:
                  - name: simulated
                    matches: [{headers: [{name: x-ai-eg-model, value: %s}]}]
                    backendRefs: [{name: simulated-pool, kind: InferencePool}]
                """.formatted(host, port, adminHost, adminPort, SimConfig.DEFAULT_MODEL));
        String openAiKey = env.get("OPENAI_API_KEY");
        if (openAiKey != null && !openAiKey.isBlank()) {
            y.append("""
                      - name: openai
                        matches: [{headers: [{type: RegularExpression, name: x-ai-eg-model, value: "(gpt-|o[0-9]|chatgpt-|text-embedding-).*"}]}]
                        backendRefs: [{name: openai}]
                    ---
                    apiVersion: aigateway.envoyproxy.io/v1beta1
                    kind: AIServiceBackend
                    metadata: {name: openai}
                    spec:
                      schema: {name: OpenAI}
                      backendRef: {name: openai}
                      headerMutation: {set: [{name: authorization, value: "Bearer %s"}]}
                    ---
                    apiVersion: gateway.envoyproxy.io/v1alpha1
                    kind: Backend
                    metadata: {name: openai}
                    spec: {endpoints: [{fqdn: {hostname: api.openai.com, port: 443}}], tls: {}}
                    """.formatted(openAiKey.replace("\"", "")));
        }
        y.append("""
                ---
                apiVersion: inference.networking.k8s.io/v1
                kind: InferencePool
                metadata: {name: simulated-pool}
                spec:
                  selector: {matchLabels: {app: simulated}}
                  targetPorts: [{number: 8000}]
                ---
                apiVersion: switchboard.dev/v1alpha1
                kind: Endpoints
                metadata: {name: simulated}
                spec:
                  endpoints:
                """);
        for (var a : sims.addresses()) {
            y.append("  - {address: 127.0.0.1, port: ").append(a.getPort()).append(", labels: {app: simulated}}\n");
        }
        return y.toString();
    }

    /** The providers the embedded configuration includes, for the start banner. */
    static List<String> providers(Map<String, String> env) {
        String key = env.get("OPENAI_API_KEY");
        return key != null && !key.isBlank() ? List.of("openai (OPENAI_API_KEY)") : List.of();
    }
}
