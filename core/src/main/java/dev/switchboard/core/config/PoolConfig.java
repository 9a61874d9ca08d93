package dev.switchboard.core.config;

import java.util.List;
import java.util.Map;

/**
 * An {@code InferencePool} resolved to its endpoints: the {@code Endpoints} entries its selector matches, one per
 * target port (or at the entry's own port).
 *
 * @param name      the pool's name
 * @param endpoints its members
 * @param rewrites  the {@code InferenceModelRewrite} rules that name this pool
 * @param picker    the {@code EndpointPickerConfig} its {@code endpointPickerRef} names, or null for the default
 *                  profile
 */
public record PoolConfig(String name, List<Member> endpoints, ModelRewrites rewrites, EndpointPickerDocument picker) {
    public PoolConfig {
        endpoints = List.copyOf(endpoints);
        rewrites = rewrites == null ? ModelRewrites.NONE : rewrites;
    }

    /** A pool with no model rewrites and the default scheduling profile. */
    public PoolConfig(String name, List<Member> endpoints) {
        this(name, endpoints, ModelRewrites.NONE, null);
    }

    /**
     * One model server of a pool.
     *
     * @param host   address
     * @param port   port
     * @param labels labels (the engine type label among them)
     */
    public record Member(String host, int port, Map<String, String> labels) {
        public Member {
            labels = Map.copyOf(labels);
        }
    }
}
