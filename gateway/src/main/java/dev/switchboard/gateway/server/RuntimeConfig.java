package dev.switchboard.gateway.server;

import dev.switchboard.core.config.ConfigException;
import dev.switchboard.core.config.GatewayConfig;
import dev.switchboard.core.config.PoolConfig;
import dev.switchboard.gateway.pool.EndpointPickers;
import dev.switchboard.gateway.pool.PoolAdmission;
import dev.switchboard.gateway.pool.PoolRuntime;
import dev.switchboard.gateway.routing.Router;
import dev.switchboard.picker.config.EndpointPickerConfig;
import dev.switchboard.transport.Transport;
import io.netty.channel.EventLoopGroup;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One loaded configuration and what is built from it: the router, and per InferencePool a running
 * {@link PoolRuntime} and its {@link PoolAdmission}. Requests read the current one once, at arrival; a reload
 * builds a new one and closes the old one's pools.
 */
public record RuntimeConfig(GatewayConfig config, Router router, Map<String, PoolRuntime> pools,
        Map<String, PoolAdmission> admission) implements AutoCloseable {

    /**
     * @throws IllegalArgumentException when a pool's EndpointPickerConfig is invalid (callers that take a new
     *                                  configuration check {@link EndpointPickers#load} first)
     */
    static RuntimeConfig build(GatewayConfig config, EventLoopGroup loops, Transport transport) {
        Map<String, EndpointPickerConfig> pickers;
        try {
            pickers = EndpointPickers.load(config);
        } catch (ConfigException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        Map<String, PoolRuntime> pools = new LinkedHashMap<>();
        Map<String, PoolAdmission> admission = new LinkedHashMap<>();
        for (PoolConfig p : config.pools()) {
            EndpointPickerConfig picker = pickers.get(p.name());
            PoolRuntime pool = new PoolRuntime(p, picker.profile(), loops, transport);
            pools.put(p.name(), pool);
            admission.put(p.name(), new PoolAdmission(p, pool, picker, loops.next()));
        }
        return new RuntimeConfig(config, new Router(config), Map.copyOf(pools), Map.copyOf(admission));
    }

    @Override
    public void close() {
        admission.values().forEach(PoolAdmission::close);
        pools.values().forEach(PoolRuntime::close);
    }
}
