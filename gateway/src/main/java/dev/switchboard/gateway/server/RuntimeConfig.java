package dev.switchboard.gateway.server;

import dev.switchboard.core.config.ConfigException;
import dev.switchboard.core.config.GatewayConfig;
import dev.switchboard.core.config.PoolConfig;
import dev.switchboard.gateway.pool.EndpointFiles;
import dev.switchboard.gateway.pool.PoolAdmission;
import dev.switchboard.gateway.pool.PoolProfiles;
import dev.switchboard.gateway.pool.PoolRuntime;
import dev.switchboard.gateway.routing.Router;
import dev.switchboard.picker.config.EndpointPickerConfig;
import dev.switchboard.transport.Transport;
import io.netty.channel.EventLoopGroup;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One loaded configuration and what is built from it: the router, and per InferencePool a running
 * {@link PoolRuntime} and its {@link PoolAdmission}. Requests read the current one once, at arrival; a reload
 * builds a new one, which keeps the previous one's pools whose picker configuration did not change (with their
 * metrics, counters and prefix index), and closes the others. Flow control queues of pools the new one keeps
 * carry on in it, waiting requests and all; only a removed pool's waiting requests are turned away.
 */
public final class RuntimeConfig implements AutoCloseable {
    private final GatewayConfig config;
    private final Router router;
    private final Map<String, PoolRuntime> pools;
    private final Map<String, PoolAdmission> admission;
    private final Map<String, PoolConfig> poolConfigs = new LinkedHashMap<>();
    private final Map<String, EndpointPickerConfig> pickers;
    private final EndpointFiles endpointFiles;

    private RuntimeConfig(GatewayConfig config, Map<String, PoolRuntime> pools, Map<String, EndpointPickerConfig> pickers,
            EventLoopGroup loops, RuntimeConfig previous) {
        this.config = config;
        this.router = new Router(config);
        this.pools = Map.copyOf(pools);
        this.pickers = Map.copyOf(pickers);
        Map<String, PoolAdmission> admission = new LinkedHashMap<>();
        Map<PoolConfig, PoolRuntime> byConfig = new IdentityHashMap<>();
        for (PoolConfig p : config.pools()) {
            poolConfigs.put(p.name(), p);
            byConfig.put(p, pools.get(p.name()));
            admission.put(p.name(), new PoolAdmission(p, pools.get(p.name()), pickers.get(p.name()), loops.next(),
                    previous == null ? null : previous.admission.get(p.name())));
        }
        this.admission = Map.copyOf(admission);
        this.endpointFiles = new EndpointFiles(byConfig);
    }

    /**
     * Builds {@code config}'s runtime, taking over the pools of {@code previous} (may be null) that it keeps, and
     * their flow control queues: once everything is built, {@code previous}'s waiting requests of each kept pool
     * belong to the new runtime, which the caller must then put in service.
     *
     * @throws ConfigException when a pool's picker configuration is invalid (nothing is left running then)
     * @throws RuntimeException when something else fails while building (a pool, a TLS context); what this call
     *                          started is closed again and {@code previous} is untouched
     */
    static RuntimeConfig build(GatewayConfig config, RuntimeConfig previous, EventLoopGroup loops, Transport transport)
            throws ConfigException {
        Map<String, EndpointPickerConfig> pickers = new LinkedHashMap<>();
        for (PoolConfig p : config.pools()) { // all checked before anything starts
            PoolRuntime kept = previous == null ? null : previous.pools.get(p.name());
            pickers.put(p.name(), kept != null && PoolProfiles.samePicker(previous.poolConfigs.get(p.name()), p)
                    ? previous.pickers.get(p.name()) : PoolProfiles.build(p));
        }
        Map<String, PoolRuntime> pools = new LinkedHashMap<>();
        RuntimeConfig built;
        try {
            for (PoolConfig p : config.pools()) {
                PoolRuntime kept = previous == null ? null : previous.pools.get(p.name());
                EndpointPickerConfig picker = pickers.get(p.name());
                pools.put(p.name(), kept != null && previous.pickers.get(p.name()) == picker ? kept
                        : new PoolRuntime(p, picker.profile(), loops, transport));
            }
            built = new RuntimeConfig(config, pools, pickers, loops, previous);
        } catch (RuntimeException e) {
            for (PoolRuntime p : pools.values()) {
                if (previous == null || previous.pools.get(p.name()) != p) {
                    p.close();
                }
            }
            throw e;
        }
        if (previous != null) { // last, when nothing can fail any more: the queues move only to a runtime that serves
            previous.admission.forEach((name, a) -> {
                PoolAdmission next = built.admission.get(name);
                if (next != null) {
                    a.handOver(next);
                }
            });
        }
        return built;
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

    /** Each pool's admission control (priorities, shedding, flow control), by pool name. */
    public Map<String, PoolAdmission> admission() {
        return admission;
    }

    /**
     * Stops this configuration's file watchers and admission control, and closes its pools that {@code next} (may
     * be null) did not take over. Requests still waiting in the queue of a pool {@code next} has not (a removed pool,
     * or every pool at shutdown) are turned away; the others were handed over when {@code next} was built.
     */
    void close(RuntimeConfig next) {
        endpointFiles.close();
        admission.values().forEach(PoolAdmission::close);
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
