package dev.switchboard.gateway.server;

import dev.switchboard.core.config.ConfigException;
import dev.switchboard.core.config.GatewayConfig;
import dev.switchboard.core.config.PoolConfig;
import dev.switchboard.gateway.pool.EndpointFiles;
import dev.switchboard.gateway.pool.PoolProfiles;
import dev.switchboard.gateway.pool.PoolRuntime;
import dev.switchboard.gateway.routing.Router;
import dev.switchboard.transport.Transport;
import io.netty.channel.EventLoopGroup;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One loaded configuration and what is built from it: the router and a running {@link PoolRuntime} per
 * InferencePool. Requests read the current one once, at arrival; a reload builds a new one, which keeps the
 * previous one's pools whose picker configuration did not change (with their metrics, counters and prefix index),
 * and closes the others.
 */
public final class RuntimeConfig implements AutoCloseable {
    private final GatewayConfig config;
    private final Router router;
    private final Map<String, PoolRuntime> pools;
    private final Map<String, PoolConfig> poolConfigs;
    private final EndpointFiles endpointFiles;

    private RuntimeConfig(GatewayConfig config, Map<String, PoolRuntime> pools) {
        this.config = config;
        this.router = new Router(config);
        this.pools = Map.copyOf(pools);
        this.poolConfigs = new LinkedHashMap<>();
        Map<PoolConfig, PoolRuntime> byConfig = new IdentityHashMap<>();
        for (PoolConfig p : config.pools()) {
            poolConfigs.put(p.name(), p);
            byConfig.put(p, pools.get(p.name()));
        }
        this.endpointFiles = new EndpointFiles(byConfig);
    }

    /**
     * Builds {@code config}'s runtime, taking over the pools of {@code previous} (may be null) that it keeps.
     *
     * @throws ConfigException when a pool's picker configuration is invalid (nothing is left running then)
     */
    static RuntimeConfig build(GatewayConfig config, RuntimeConfig previous, EventLoopGroup loops, Transport transport)
            throws ConfigException {
        Map<String, PoolRuntime> pools = new LinkedHashMap<>();
        try {
            for (PoolConfig p : config.pools()) {
                PoolRuntime kept = previous == null ? null : previous.pools.get(p.name());
                if (kept != null && PoolProfiles.samePicker(previous.poolConfigs.get(p.name()), p)) {
                    pools.put(p.name(), kept);
                } else {
                    pools.put(p.name(), new PoolRuntime(p, PoolProfiles.build(p), loops, transport));
                }
            }
        } catch (ConfigException e) {
            for (PoolRuntime p : pools.values()) {
                if (previous == null || previous.pools.get(p.name()) != p) {
                    p.close();
                }
            }
            throw e;
        }
        return new RuntimeConfig(config, pools);
    }

    public GatewayConfig config() {
        return config;
    }

    public Router router() {
        return router;
    }

    public Map<String, PoolRuntime> pools() {
        return pools;
    }

    /** Stops this configuration's file watchers and closes its pools that {@code next} (may be null) did not take over. */
    void close(RuntimeConfig next) {
        endpointFiles.close();
        for (PoolRuntime p : pools.values()) {
            if (next == null || next.pools.get(p.name()) != p) {
                p.close();
            }
        }
    }

    @Override
    public void close() {
        close(null);
    }
}
