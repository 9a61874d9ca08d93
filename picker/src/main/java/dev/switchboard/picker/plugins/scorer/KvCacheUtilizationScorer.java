package dev.switchboard.picker.plugins.scorer;

import dev.switchboard.picker.scheduling.EndpointState;
import dev.switchboard.picker.scheduling.PickRequest;
import dev.switchboard.picker.scheduling.Scorer;
import dev.switchboard.picker.scheduling.TypedName;
import java.util.List;

/**
 * Type {@value #TYPE}: favours free KV cache. Score {@code 1 - kvCacheUsage}; unknown or stale metrics score 0.
 * No parameters.
 */
public final class KvCacheUtilizationScorer implements Scorer {
    public static final String TYPE = "kv-cache-utilization-scorer";
    private final TypedName name;

    public KvCacheUtilizationScorer(String name) {
        this.name = new TypedName(TYPE, name);
    }

    @Override
    public TypedName typedName() {
        return name;
    }

    @Override
    public void score(PickRequest request, List<EndpointState> endpoints, double[] scores) {
        for (int i = 0; i < endpoints.size(); i++) {
            double kv = endpoints.get(i).kvCacheUsage();
            scores[i] = Double.isNaN(kv) ? 0 : 1 - kv;
        }
    }
}
