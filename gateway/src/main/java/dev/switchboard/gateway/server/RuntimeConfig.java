package dev.switchboard.gateway.server;

import dev.switchboard.core.config.ConfigException;
import dev.switchboard.core.config.GatewayConfig;
import dev.switchboard.core.config.PoolConfig;
import dev.switchboard.gateway.pool.PoolProfiles;
import dev.switchboard.gateway.pool.PoolRuntime;
import dev.switchboard.gateway.routing.Router;
import dev.switchboard.picker.scheduling.SchedulingProfile;
import dev.switchboard.transport.Transport;
import io.netty.channel.EventLoopGroup;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One loaded configuration and what is built from it: the router and a running {@link PoolRuntime} per
 * InferencePool, with the scheduling profile it picks by (the gateway reads a profile's response-header plugins
 * here). Requests read the current one once, at arrival; a reload builds a new one and closes the old one's pools.
 */
public record RuntimeConfig(GatewayConfig config, Router router, Map<String, PoolRuntime> pools,
        Map<String, SchedulingProfile> profiles) implements AutoCloseable {

    /** Fails, before any pool starts, on an EndpointPickerConfig that does not load. */
    static RuntimeConfig build(GatewayConfig config, EventLoopGroup loops, Transport transport) throws ConfigException {
        Map<String, SchedulingProfile> profiles = PoolProfiles.build(config);
        Map<String, PoolRuntime> pools = new LinkedHashMap<>();
        for (PoolConfig p : config.pools()) {
            pools.put(p.name(), new PoolRuntime(p, profiles.get(p.name()), loops, transport));
        }
        return new RuntimeConfig(config, new Router(config), Map.copyOf(pools), Map.copyOf(profiles));
    }

    @Override
    public void close() {
        pools.values().forEach(PoolRuntime::close);
    }
}
