package dev.switchboard.gateway;

/**
 * The documents most gateway tests configure, as YAML: a Gateway on free ports, one route, and backends on
 * loopback. A test joins them ({@link #of}) with whatever else it needs.
 */
public final class TestConfigs {
    private TestConfigs() {}

    /** A Gateway on free ports (API and admin), with {@code fields} added to its spec (may be empty). */
    public static String gateway(String fields) {
        return """
                apiVersion: switchboard.dev/v1alpha1
                kind: Gateway
                metadata: {name: gw}
                spec: {listen: {port: 0}, admin: {port: 0}%s}
                """.formatted(fields.isEmpty() ? "" : ", " + fields);
    }

    /** The route {@code main} with these rules (YAML list items, indented as under {@code rules:}). */
    public static String route(String rules) {
        return """
                apiVersion: aigateway.envoyproxy.io/v1beta1
                kind: AIGatewayRoute
                metadata: {name: main}
                spec:
                  rules:
                """ + rules.stripTrailing() + "\n";
    }

    /** An AIServiceBackend {@code name} (OpenAI schema) and its Backend, at 127.0.0.1:{@code port}. */
    public static String backend(String name, int port) {
        return backendAt(name, "{ip: {address: 127.0.0.1, port: " + port + "}}");
    }

    /** The same, at a host name: its Backend endpoint is an {@code fqdn}. */
    public static String backend(String name, String hostname, int port) {
        return backendAt(name, "{fqdn: {hostname: " + hostname + ", port: " + port + "}}");
    }

    private static String backendAt(String name, String endpoint) {
        return """
                apiVersion: aigateway.envoyproxy.io/v1beta1
                kind: AIServiceBackend
                metadata: {name: %1$s}
                spec: {schema: {name: OpenAI}, backendRef: {name: %1$s}}
                ---
                apiVersion: gateway.envoyproxy.io/v1alpha1
                kind: Backend
                metadata: {name: %1$s}
                spec: {endpoints: [%2$s]}
                """.formatted(name, endpoint);
    }

    /**
     * A gateway whose route {@code main} sends everything to the InferencePool {@code sims}: the endpoints listed in
     * {@code members} (YAML list items, as {@code SimServer.endpointsYaml("sim")} gives them) labelled
     * {@code app: sim}, port 8000, picked by {@code pickerRef} (a built-in profile, or a config among
     * {@code documents}).
     */
    public static String pool(String pickerRef, String members, String... documents) {
        String pool = """
                apiVersion: inference.networking.k8s.io/v1
                kind: InferencePool
                metadata: {name: sims}
                spec:
                  selector: {matchLabels: {app: sim}}
                  targetPorts: [{number: 8000}]
                  endpointPickerRef: %s
                """.formatted(pickerRef);
        String endpoints = """
                apiVersion: switchboard.dev/v1alpha1
                kind: Endpoints
                metadata: {name: members}
                spec:
                  endpoints:
                """ + members;
        String[] all = new String[documents.length + 4];
        all[0] = gateway("accessLog: false");
        all[1] = route("  - backendRefs: [{name: sims, kind: InferencePool, group: inference.networking.k8s.io}]");
        all[2] = pool;
        System.arraycopy(documents, 0, all, 3, documents.length);
        all[all.length - 1] = endpoints;
        return of(all);
    }

    /** The documents as one multi-document YAML file. */
    public static String of(String... documents) {
        return String.join("---\n", documents);
    }
}
