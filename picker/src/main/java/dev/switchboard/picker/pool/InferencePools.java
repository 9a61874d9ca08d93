package dev.switchboard.picker.pool;

import dev.switchboard.core.config.ConfigException;
import dev.switchboard.core.config.PoolConfig;
import dev.switchboard.picker.config.EndpointPickerConfig;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every InferencePool of the running configuration, by name, with the watched Endpoints files that give them
 * members. A pool object lives as long as its name stays in the configuration ({@link InferencePool}); each
 * {@link #apply} reconfigures the kept ones in place, starts the new ones and closes the removed ones.
 */
public final class InferencePools implements AutoCloseable {
    private final PoolEnvironment env;
    private volatile Map<String, InferencePool> pools = Map.of();
    private EndpointFiles files;
    private boolean closed;

    public InferencePools(PoolEnvironment env) {
        this.env = env;
    }

    /**
     * Makes {@code configs} the pools: each picker configuration is built (or kept, when the pool's
     * endpointPickerRef did not change, so the pool keeps what its profile learned), then new pools start, kept
     * ones take their new configuration, removed ones close, and every pool's Endpoints files are read and watched
     * anew.
     *
     * @throws ConfigException when a picker configuration is invalid; nothing has changed then
     */
    public synchronized void apply(List<PoolConfig> configs) throws ConfigException {
        if (closed) {
            throw new IllegalStateException("the pools are closed");
        }
        Map<String, InferencePool> old = pools;
        Map<String, EndpointPickerConfig> pickers = new LinkedHashMap<>();
        for (PoolConfig c : configs) { // all checked before anything changes
            InferencePool kept = old.get(c.name());
            pickers.put(c.name(), kept != null && PoolProfiles.samePicker(kept.config(), c)
                    ? kept.picker() : PoolProfiles.build(c));
        }
        Map<String, InferencePool> started = new LinkedHashMap<>();
        try {
            for (PoolConfig c : configs) {
                if (!old.containsKey(c.name())) {
                    started.put(c.name(), new InferencePool(c, pickers.get(c.name()), env));
                }
            }
        } catch (RuntimeException e) { // e.g. a metrics source that cannot start: undo, keep the old pools
            started.values().forEach(InferencePool::close);
            throw e;
        }
        Map<String, InferencePool> next = new LinkedHashMap<>();
        Map<PoolConfig, InferencePool> byConfig = new IdentityHashMap<>();
        for (PoolConfig c : configs) { // from here on nothing fails
            InferencePool p = started.get(c.name());
            if (p == null) {
                p = old.get(c.name());
                p.reconfigure(c, pickers.get(c.name()));
            }
            next.put(c.name(), p);
            byConfig.put(c, p);
        }
        for (Map.Entry<String, InferencePool> e : old.entrySet()) {
            if (!next.containsKey(e.getKey())) {
                e.getValue().close();
            }
        }
        if (files != null) {
            files.close();
        }
        files = new EndpointFiles(byConfig); // sets every pool's members: its own plus its files' matching entries
        pools = Collections.unmodifiableMap(next);
    }

    /** The pool named {@code name}, or null. */
    public InferencePool get(String name) {
        return pools.get(name);
    }

    /** Every pool, by name, in configuration order. */
    public Map<String, InferencePool> all() {
        return pools;
    }

    /** Stops watching files and closes every pool (their waiting requests are turned away). */
    @Override
    public synchronized void close() {
        closed = true;
        if (files != null) {
            files.close();
        }
        pools.values().forEach(InferencePool::close);
        pools = Map.of();
    }
}
