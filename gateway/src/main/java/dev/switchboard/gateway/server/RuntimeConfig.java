package dev.switchboard.gateway.server;

import dev.switchboard.core.config.GatewayConfig;
import dev.switchboard.core.config.PoolConfig;
import dev.switchboard.gateway.pool.PoolRuntime;
import dev.switchboard.gateway.routing.Router;
import dev.switchboard.picker.config.EndpointPickerConfigLoader;
import dev.switchboard.transport.Transport;
import io.netty.channel.EventLoopGroup;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One loaded configuration and what is built from it: the router and a running {@link PoolRuntime} per
 * InferencePool. Requests read the current one once, at arrival; a reload builds a new one and closes the old
 * one's pools.
 */
public record RuntimeConfig(GatewayConfig config, Router router, Map<String, PoolRuntime> pools) implements AutoCloseable {

    static RuntimeConfig build(GatewayConfig config, EventLoopGroup loops, Transport transport) {
        Map<String, PoolRuntime> pools = new LinkedHashMap<>();
        for (PoolConfig p : config.pools()) {
            pools.put(p.name(), new PoolRuntime(p, EndpointPickerConfigLoader.defaults(), loops, transport));
        }
        return new RuntimeConfig(config, new Router(config), Map.copyOf(pools));
    }

    @Override
    public void close() {
        pools.values().forEach(PoolRuntime::close);
    }
}
