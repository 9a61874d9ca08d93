package dev.switchboard.picker.plugins.filter;

import dev.switchboard.picker.scheduling.EndpointState;
import dev.switchboard.picker.scheduling.Filter;
import dev.switchboard.picker.scheduling.PickRequest;
import dev.switchboard.picker.scheduling.TypedName;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Type {@value #TYPE}: keeps a request away from endpoints that are over their safety limits or whose load is
 * unknown. An endpoint passes when its metrics are fresh, its waiting queue is below
 * {@code queueDepthThreshold × (1 + headroom)} and its KV cache usage is below
 * {@code min(1, kvCacheUtilThreshold × (1 + headroom))}. When no endpoint passes, all of them are returned (fail
 * open): the scorers then pick the least bad one instead of the pick failing.
 *
 * <p>Parameters (the reference {@code utilization-detector}'s): {@code queueDepthThreshold} (5),
 * {@code kvCacheUtilThreshold} (0.8), {@code headroom} (0.0), {@code metricsStalenessThreshold} (only {@code 200ms},
 * see {@link #STALENESS}). The {@code utilization-detector} plugin is the same filter when a profile lists it.
 */
public final class UtilizationFilter implements Filter {
    public static final String TYPE = "utilization-filter";
    /**
     * Age after which metrics are stale. The gateway's data layer decides it (the reference default, 200 ms) and
     * hands the scheduler a {@code fresh} flag, so a plugin cannot choose another value.
     */
    public static final Duration STALENESS = Duration.ofMillis(200);

    /**
     * Thresholds shared by the filter and the saturation detector.
     *
     * @param queueDepthThreshold  the waiting queue an endpoint should not exceed (> 0)
     * @param kvCacheUtilThreshold the KV cache fraction an endpoint should not exceed, in (0, 1]
     * @param headroom             the burst the filter allows above both, as a fraction (0.2 = 20 %), >= 0
     */
    public record Params(int queueDepthThreshold, double kvCacheUtilThreshold, double headroom) {
        public static final Params DEFAULTS = new Params(5, 0.8, 0.0);

        public Params {
            if (queueDepthThreshold <= 0) {
                throw new IllegalArgumentException("queueDepthThreshold must be above 0, got " + queueDepthThreshold);
            }
            if (!(kvCacheUtilThreshold > 0 && kvCacheUtilThreshold <= 1)) {
                throw new IllegalArgumentException("kvCacheUtilThreshold must be in (0, 1], got " + kvCacheUtilThreshold);
            }
            if (!(headroom >= 0)) {
                throw new IllegalArgumentException("headroom must be 0 or more, got " + headroom);
            }
        }
    }

    private final TypedName name;
    private final Params params;

    public UtilizationFilter(String name, Params params) {
        this(TYPE, name, params);
    }

    /** For the detector, which is the same filter under its own type. */
    public UtilizationFilter(String type, String name, Params params) {
        this.name = new TypedName(type, name);
        this.params = params;
    }

    public Params params() {
        return params;
    }

    @Override
    public TypedName typedName() {
        return name;
    }

    @Override
    public List<EndpointState> filter(PickRequest request, List<EndpointState> endpoints) {
        double queueLimit = params.queueDepthThreshold() * (1 + params.headroom());
        double kvLimit = Math.min(1.0, params.kvCacheUtilThreshold() * (1 + params.headroom()));
        List<EndpointState> kept = new ArrayList<>(endpoints.size());
        for (EndpointState e : endpoints) {
            if (!e.fresh() || e.metrics() == null) {
                continue;
            }
            double kv = e.kvCacheUsage(); // NaN when the engine does not report it: no KV limit applies
            if (Math.max(0, e.waiting()) < queueLimit && !(kv >= kvLimit)) {
                kept.add(e);
            }
        }
        return kept.isEmpty() ? endpoints : kept;
    }
}
