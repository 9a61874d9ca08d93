package dev.switchboard.core.config;

import java.util.List;
import java.util.Map;

/**
 * An {@code InferencePool} resolved to its endpoints: the {@code Endpoints} entries its selector matches, one per
 * target port (or at the entry's own port).
 *
 * @param name      the pool's name
 * @param endpoints its members
 */
public record PoolConfig(String name, List<Member> endpoints) {
    public PoolConfig {
        endpoints = List.copyOf(endpoints);
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
