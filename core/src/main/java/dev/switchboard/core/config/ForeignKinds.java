package dev.switchboard.core.config;

import java.util.Set;

/**
 * Kinds that sit beside a gateway's configuration in the same files (the how-tos apply them together): workloads,
 * Services, RBAC, Envoy Gateway's own policies, Gateway API routes. They belong to other controllers, so they are
 * skipped with one line each; a kind in a group Switchboard reads that it does not know stays an error (a typo, or
 * a feature it lacks, must not pass silently).
 */
final class ForeignKinds {
    /** Envoy Gateway's kinds beside the Backend that Switchboard reads. */
    private static final Set<String> ENVOY_GATEWAY = Set.of("EnvoyProxy", "ClientTrafficPolicy",
            "BackendTrafficPolicy", "SecurityPolicy", "EnvoyExtensionPolicy", "EnvoyPatchPolicy", "HTTPRouteFilter");
    /** Gateway API kinds beside GatewayClass and Gateway: other controllers' routes and grants. */
    private static final Set<String> GATEWAY_API = Set.of("HTTPRoute", "GRPCRoute", "TLSRoute", "TCPRoute",
            "UDPRoute", "ReferenceGrant", "BackendTLSPolicy", "ListenerSet", "XListenerSet", "BackendTrafficPolicy");
    /** Groups whose kinds Switchboard reads: an unknown kind there is refused. */
    private static final Set<String> READ = Set.of("switchboard.dev", "aigateway.envoyproxy.io",
            "inference.networking.k8s.io", "inference.networking.x-k8s.io", "llm-d.ai");
    /** The kinds Switchboard reads: never skipped, whatever their apiVersion (a wrong one is an error). */
    private static final Set<String> READ_KINDS = Set.of("Gateway", "GatewayClass", "AIGatewayRoute",
            "AIServiceBackend", "BackendSecurityPolicy", "Backend", "InferencePool", "Endpoints", "InferenceObjective",
            "InferenceModelRewrite", ConfigLoader.PICKER_KIND, ConfigLoader.CONFIG_MAP_KIND, "ClientAuth",
            "RateLimitPolicy", "PriceTable", "Guardrail");

    private ForeignKinds() {}

    /** Why {@code kind} of {@code apiVersion} is skipped, or null when it is not someone else's. */
    static String skipped(String kind, String apiVersion, String name) {
        int slash = apiVersion.indexOf('/');
        String group = slash < 0 ? "" : apiVersion.substring(0, slash);
        String what = kind + " '" + name + "' (" + apiVersion + ")";
        if (READ.contains(group) || READ_KINDS.contains(kind)) {
            return null;
        }
        if (group.equals("gateway.envoyproxy.io")) {
            return ENVOY_GATEWAY.contains(kind) ? "skipped " + what + ": Envoy Gateway's, not Switchboard's" : null;
        }
        if (group.equals(GatewayApi.GROUP)) {
            return GATEWAY_API.contains(kind) ? "skipped " + what + ": Switchboard routes with AIGatewayRoutes, not"
                    + " Gateway API routes" : null;
        }
        return "skipped " + what + ": not configuration of this gateway (it belongs to the cluster)";
    }
}
