package dev.switchboard.core.config;

import java.util.List;

/**
 * A whole, validated gateway configuration: immutable, swapped atomically on reload.
 *
 * @param listener settings of the gateway process
 * @param rules    routing rules, in the order they are tried (routes in file order, rules in route order)
 * @param backends every backend, by name order of definition
 * @param pools    every InferencePool
 * @param source   where it came from, for logs
 * @param loraAdapters the base models of LoRA adapters (ConfigMaps), for body-based routing
 * @param policies governance documents (client auth, limits, prices, guardrails), in file order, for the policy module
 * @param notes    what the loader skipped or did not read, one line each (other controllers' kinds, fields that
 *                 belong to infrastructure), for {@code validate} to print and {@code run} to log
 * @param gateway  the Gateway API Gateway served (its name), or null when the configuration has none
 */
public record GatewayConfig(ListenerSettings listener, List<RouteRule> rules, List<Backend> backends,
        List<PoolConfig> pools, String source, List<LoraAdapters> loraAdapters, List<PolicyDocument> policies,
        List<String> notes, String gateway) {
    public GatewayConfig {
        rules = List.copyOf(rules);
        backends = List.copyOf(backends);
        pools = List.copyOf(pools);
        loraAdapters = List.copyOf(loraAdapters);
        policies = List.copyOf(policies);
        notes = List.copyOf(notes);
    }

    public GatewayConfig(ListenerSettings listener, List<RouteRule> rules, List<Backend> backends,
            List<PoolConfig> pools, String source, List<LoraAdapters> loraAdapters, List<PolicyDocument> policies) {
        this(listener, rules, backends, pools, source, loraAdapters, policies, List.of(), null);
    }

    public GatewayConfig(ListenerSettings listener, List<RouteRule> rules, List<Backend> backends,
            List<PoolConfig> pools, String source, List<LoraAdapters> loraAdapters) {
        this(listener, rules, backends, pools, source, loraAdapters, List.of());
    }

    /** A configuration without LoRA adapter ConfigMaps. */
    public GatewayConfig(ListenerSettings listener, List<RouteRule> rules, List<Backend> backends,
            List<PoolConfig> pools, String source) {
        this(listener, rules, backends, pools, source, List.of());
    }

    /** This configuration with other listener settings (a command line's ports). */
    public GatewayConfig withListener(ListenerSettings next) {
        return new GatewayConfig(next, rules, backends, pools, source, loraAdapters, policies, notes, gateway);
    }

    /** The names of the AIGatewayRoutes the rules came from (what a Guardrail's targetRefs name). */
    public java.util.Set<String> routeNames() {
        java.util.Set<String> names = new java.util.TreeSet<>();
        for (RouteRule r : rules) {
            names.add(r.route());
        }
        return names;
    }
}
