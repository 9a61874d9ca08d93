package dev.switchboard.core.config;

import java.util.List;
import java.util.Map;

/**
 * An {@code InferencePool} resolved to its endpoints: the {@code Endpoints} entries its selector matches, one per
 * target port (or at the entry's own port).
 *
 * @param name           the pool's name
 * @param endpoints      its members
 * @param objectives     the InferenceObjectives whose poolRef names this pool
 * @param endpointPicker the EndpointPickerConfig its {@code endpointPickerRef} names, or null for the defaults
 */
public record PoolConfig(String name, List<Member> endpoints, List<InferenceObjective> objectives,
        PickerConfigDocument endpointPicker) {
    public PoolConfig {
        endpoints = List.copyOf(endpoints);
        objectives = List.copyOf(objectives);
    }

    /** A pool with no objectives and the default endpoint picker. */
    public PoolConfig(String name, List<Member> endpoints) {
        this(name, endpoints, List.of(), null);
    }

    /**
     * The priority of a request naming {@code objective}: that objective's, or 0 when the name is null, unknown, or
     * an objective of another pool (as the reference EPP, which only sees its own pool's objectives, does).
     */
    public int priority(String objective) {
        if (objective != null) {
            for (InferenceObjective o : objectives) {
                if (o.name().equals(objective)) {
                    return o.priority();
                }
            }
        }
        return 0;
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
