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
    /** The model names of the simulated Claude (Anthropic's API) and Gemini (the Gemini API). */
    static final String SIM_CLAUDE = "sim-claude";
    static final String SIM_GEMINI = "sim-gemini";

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
                  - name: simulated-claude
                    matches: [{headers: [{name: x-ai-eg-model, value: %6$s}]}]
                    backendRefs: [{name: simulated-claude, modelNameOverride: %5$s}]
                  - name: simulated-gemini
                    matches: [{headers: [{name: x-ai-eg-model, value: %7$s}]}]
                    backendRefs: [{name: simulated-gemini, modelNameOverride: %5$s}]
                """.formatted(host, port, adminHost, adminPort, SimConfig.DEFAULT_MODEL, SIM_CLAUDE, SIM_GEMINI));
        // the simulator's Anthropic and Gemini personalities: the same engine behind each provider's wire format, so
        // an OpenAI, Anthropic or Gemini client reaches each through the gateway's translation, offline
        int simPort = sims.addresses().get(0).getPort();
        StringBuilder backends = new StringBuilder();
        for (String[] b : new String[][] {{"simulated-claude", "Anthropic"}, {"simulated-gemini", "GeminiAPI"}}) {
            backends.append("""
                    ---
                    apiVersion: aigateway.envoyproxy.io/v1beta1
                    kind: AIServiceBackend
                    metadata: {name: %1$s}
                    spec: {schema: {name: %2$s}, backendRef: {name: %1$s}}
                    ---
                    apiVersion: gateway.envoyproxy.io/v1alpha1
                    kind: Backend
                    metadata: {name: %1$s}
                    spec: {endpoints: [{ip: {address: 127.0.0.1, port: %3$d}}]}
                    """.formatted(b[0], b[1], simPort));
        }
        for (Provider p : PROVIDERS) {
            if (!p.present(env)) {
                continue;
            }
            String providerHost = p.host(env);
            y.append("""
                      - name: %1$s
                        matches: [{headers: [{type: RegularExpression, name: x-ai-eg-model, value: "%2$s"}]}]
                        backendRefs: [{name: %1$s}]
                    """.formatted(p.name, p.models));
            backends.append("""
                    ---
                    apiVersion: aigateway.envoyproxy.io/v1beta1
                    kind: AIServiceBackend
                    metadata: {name: %1$s}
                    spec: {schema: %2$s, backendRef: {name: %1$s}}
                    ---
                    apiVersion: gateway.envoyproxy.io/v1alpha1
                    kind: Backend
                    metadata: {name: %1$s}
                    spec: {endpoints: [{fqdn: {hostname: %3$s, port: 443}}], tls: {}}
                    ---
                    apiVersion: aigateway.envoyproxy.io/v1beta1
                    kind: BackendSecurityPolicy
                    metadata: {name: %1$s}
                    spec:
                      targetRefs: [{name: %1$s}]
                      %4$s
                    """.formatted(p.name, p.schema(env), providerHost, p.policy(env)));
        }
        y.append(backends);
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
        return y.append(sims.endpointsYaml("simulated")).toString();
    }

    /** The providers the embedded configuration includes, for the start banner. */
    static List<String> providers(Map<String, String> env) {
        return PROVIDERS.stream().filter(p -> p.present(env)).map(p -> p.name + " (" + p.variable + ")").toList();
    }

    /**
     * A real provider, added when its standard variable is set. Its key is never written into the configuration:
     * a BackendSecurityPolicy names the variable, and the credentials read it.
     *
     * @param models   the model names routed to it (a regular expression)
     * @param variable the variable whose presence adds it
     */
    private record Provider(String name, String variable, String models) {
        boolean present(Map<String, String> env) {
            String v = env.get(variable);
            return v != null && !v.isBlank() && (!name.equals("bedrock") || region(env) != null)
                    && (!name.equals("azure-openai") || env.get("AZURE_OPENAI_ENDPOINT") != null);
        }

        String host(Map<String, String> env) {
            return switch (name) {
                case "openai" -> "api.openai.com";
                case "anthropic" -> "api.anthropic.com";
                case "gemini" -> "generativelanguage.googleapis.com";
                case "bedrock" -> "bedrock-runtime." + region(env) + ".amazonaws.com";
                default -> java.net.URI.create(env.get("AZURE_OPENAI_ENDPOINT")).getHost();
            };
        }

        String schema(Map<String, String> env) {
            return switch (name) {
                case "openai" -> "{name: OpenAI}";
                case "anthropic" -> "{name: Anthropic}";
                case "gemini" -> "{name: GeminiAPI}";
                case "bedrock" -> "{name: AWSBedrock}";
                default -> "{name: AzureOpenAI, version: \"" + env.getOrDefault("OPENAI_API_VERSION", "2024-10-21") + "\"}";
            };
        }

        String policy(Map<String, String> env) {
            return switch (name) {
                case "openai", "gemini" -> "type: APIKey\n  apiKey: {env: " + variable + "}";
                case "anthropic" -> "type: AnthropicAPIKey\n  anthropicAPIKey: {env: " + variable + "}";
                case "bedrock" -> "type: AWSCredentials\n  awsCredentials: {region: " + region(env) + "}";
                default -> "type: AzureAPIKey\n  azureAPIKey: {env: " + variable + "}";
            };
        }

        private static String region(Map<String, String> env) {
            String r = env.get("AWS_REGION");
            return r != null && !r.isBlank() ? r : env.get("AWS_DEFAULT_REGION");
        }
    }

    /** In rule order: the first whose models match serves the request. Azure's deployments have any name: last. */
    private static final List<Provider> PROVIDERS = List.of(
            new Provider("openai", "OPENAI_API_KEY", "(gpt-|o[0-9]|chatgpt-|text-embedding-).*"),
            new Provider("anthropic", "ANTHROPIC_API_KEY", "claude-.*"),
            new Provider("gemini", "GEMINI_API_KEY", "gemini-.*"),
            new Provider("bedrock", "AWS_ACCESS_KEY_ID", "((us|eu|apac)[.])?(anthropic|amazon|meta|mistral|cohere|ai21|deepseek)[.].*"),
            new Provider("azure-openai", "AZURE_OPENAI_API_KEY", ".*"));
}
