package dev.switchboard.core.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * An {@code InferencePool} resolved to its endpoints: the {@code Endpoints} entries its selector matches, one per
 * target port (or at the entry's own port).
 *
 * @param name          the pool's name
 * @param selector      labels an endpoint must carry to belong to the pool
 * @param targetPorts   the ports of an endpoint entry that gives none (each its own endpoint)
 * @param endpoints     its members from the configuration file
 * @param endpointFiles files of {@code Endpoints} entries, watched: their matching entries are members too
 * @param rewrites      the {@code InferenceModelRewrite} rules that name this pool
 * @param objectives    the InferenceObjectives whose poolRef names this pool
 * @param picker        the endpoint picker configuration the pool names, or null for the default
 */
public record PoolConfig(String name, Map<String, String> selector, List<Integer> targetPorts,
        List<Member> endpoints, List<Path> endpointFiles, ModelRewrites rewrites, List<InferenceObjective> objectives,
        PickerRef picker) {
    public PoolConfig {
        selector = Map.copyOf(selector);
        targetPorts = List.copyOf(targetPorts);
        endpoints = List.copyOf(endpoints);
        endpointFiles = List.copyOf(endpointFiles);
        rewrites = rewrites == null ? ModelRewrites.NONE : rewrites;
        objectives = List.copyOf(objectives);
    }

    /** A pool of fixed members, with no model rewrites, no objectives and the default picker. */
    public PoolConfig(String name, List<Member> endpoints) {
        this(name, Map.of(), List.of(), endpoints, List.of(), ModelRewrites.NONE, List.of(), null);
    }

    /** The pool's members among {@code entries}: those its selector matches, at each target port without their own. */
    public List<Member> select(List<Member> entries) {
        List<Member> out = new ArrayList<>();
        for (Member m : entries) {
            if (m.labels().entrySet().containsAll(selector.entrySet())) {
                if (m.port() > 0) {
                    out.add(m);
                } else {
                    for (int port : targetPorts) {
                        out.add(new Member(m.host(), port, m.labels()));
                    }
                }
            }
        }
        return out;
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
     * @param port   port, or 0 for "each of the pool's target ports"
     * @param labels labels (the engine type label among them)
     */
    public record Member(String host, int port, Map<String, String> labels) {
        public Member {
            labels = Map.copyOf(labels);
        }
    }

    /**
     * The pool's {@code endpointPickerRef}: the name of an {@code EndpointPickerConfig} document of the file, or of
     * a built-in profile when no document has that name.
     *
     * @param name     the name referred to
     * @param document the document's {@code spec}-less body (apiVersion, kind, plugins, schedulingProfiles), or null
     */
    public record PickerRef(String name, Fields document) {}
}
