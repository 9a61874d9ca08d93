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
 */
public record GatewayConfig(ListenerSettings listener, List<RouteRule> rules, List<Backend> backends,
        List<PoolConfig> pools, String source) {
    public GatewayConfig {
        rules = List.copyOf(rules);
        backends = List.copyOf(backends);
        pools = List.copyOf(pools);
    }
}
