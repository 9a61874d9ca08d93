package dev.switchboard.kubernetes;

import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.util.List;

/**
 * A kind read from the API server as the configuration file holds it: its group, the version listed, the plural of
 * its URLs. A kind is listed at the versions the how-tos apply; a CRD that serves another version converts.
 */
record WatchedKind(String group, String version, String plural, String kind) {
    /** Everything a configuration holds, but Pods and Secrets (read apart) and ConfigMaps (read by label). */
    static final List<WatchedKind> CONFIGURATION = List.of(
            new WatchedKind("inference.networking.k8s.io", "v1", "inferencepools", "InferencePool"),
            new WatchedKind("inference.networking.x-k8s.io", "v1alpha2", "inferenceobjectives", "InferenceObjective"),
            new WatchedKind("llm-d.ai", "v1alpha1", "inferenceobjectives", "InferenceObjective"),
            new WatchedKind("inference.networking.x-k8s.io", "v1alpha2", "inferencemodelrewrites",
                    "InferenceModelRewrite"),
            new WatchedKind("llm-d.ai", "v1alpha1", "inferencemodelrewrites", "InferenceModelRewrite"),
            new WatchedKind("aigateway.envoyproxy.io", "v1alpha1", "aigatewayroutes", "AIGatewayRoute"),
            new WatchedKind("aigateway.envoyproxy.io", "v1alpha1", "aiservicebackends", "AIServiceBackend"),
            new WatchedKind("aigateway.envoyproxy.io", "v1alpha1", "backendsecuritypolicies", "BackendSecurityPolicy"),
            new WatchedKind("gateway.envoyproxy.io", "v1alpha1", "backends", "Backend"),
            new WatchedKind("gateway.networking.k8s.io", "v1", "gateways", "Gateway"),
            new WatchedKind("gateway.networking.k8s.io", "v1", "gatewayclasses", "GatewayClass"),
            new WatchedKind("switchboard.dev", "v1alpha1", "gateways", "Gateway"),
            new WatchedKind("switchboard.dev", "v1alpha1", "endpoints", "Endpoints"),
            new WatchedKind("switchboard.dev", "v1alpha1", "clientauths", "ClientAuth"),
            new WatchedKind("switchboard.dev", "v1alpha1", "ratelimitpolicies", "RateLimitPolicy"),
            new WatchedKind("switchboard.dev", "v1alpha1", "pricetables", "PriceTable"),
            new WatchedKind("switchboard.dev", "v1alpha1", "guardrails", "Guardrail"));

    /** GatewayClasses are cluster-scoped; every other kind here lives in a namespace. */
    boolean namespaced() {
        return !kind.equals("GatewayClass");
    }

    String apiVersion() {
        return group + "/" + version;
    }

    ResourceDefinitionContext context() {
        return new ResourceDefinitionContext.Builder().withGroup(group).withVersion(version).withPlural(plural)
                .withKind(kind).withNamespaced(namespaced()).build();
    }

    @Override
    public String toString() {
        return plural + "." + group + "/" + version;
    }
}
