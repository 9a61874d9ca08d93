package dev.switchboard.picker.flowcontrol;

import dev.switchboard.picker.plugins.filter.UtilizationFilter;
import dev.switchboard.picker.scheduling.EndpointState;
import dev.switchboard.picker.scheduling.Filter;
import dev.switchboard.picker.scheduling.PickRequest;
import dev.switchboard.picker.scheduling.TypedName;
import java.util.List;

/**
 * Type {@value #TYPE}, the reference EPP's default saturation detector: a roofline over queue depth and KV cache.
 * Listed in a scheduling profile it is also a filter, the same as {@code utilization-filter}.
 *
 * <p>Parameters: {@code queueDepthThreshold} (5), {@code kvCacheUtilThreshold} (0.8), {@code headroom} (0.0, used
 * by the filter only), {@code metricsStalenessThreshold} (only {@code 200ms}).
 */
public final class UtilizationDetector implements SaturationDetector, Filter {
    /*
     * Problem: one number that says whether a pool can take more work, from the model servers' own metrics.
     * Approach: per endpoint, the most constrained resource: max(waiting / queueDepthThreshold,
     * kvCacheUsage / kvCacheUtilThreshold); an endpoint with stale or missing metrics counts as 1.0 (fully
     * saturated: dispatching blind into an endpoint we cannot see is how a pool melts down). The pool's
     * saturation is the average over its endpoints; no endpoints = 1.0. A signal the engine does not report at
     * all (e.g. no KV gauge) counts as 0, as the reference's zero-valued fields do.
     * Scrape lag: metrics are up to 50 ms old, and admission runs per request, so between two scrapes the
     * waiting count is stale-low and a burst could be let through whole. As the reference does when an
     * in-flight producer is configured (the gateway always counts its own in-flight requests), requests this
     * gateway has in flight beyond what the server reports (waiting + running) are added to the waiting count:
     * credit = max(0, inFlight - (waiting + running)).
     * Concurrency: stateless. Cost: one pass over the endpoints, no allocation.
     * References: llm-d-router pkg/epp/framework/plugins/flowcontrol/saturationdetector/utilization (README).
     */

    public static final String TYPE = "utilization-detector";

    private final TypedName name;
    private final UtilizationFilter.Params params;
    private final UtilizationFilter filter;

    public UtilizationDetector(String name, UtilizationFilter.Params params) {
        this.name = new TypedName(TYPE, name);
        this.params = params;
        this.filter = new UtilizationFilter(TYPE, name, params);
    }

    /** The reference default: thresholds 5 waiting and 80 % KV cache. */
    public static UtilizationDetector defaults() {
        return new UtilizationDetector(TYPE, UtilizationFilter.Params.DEFAULTS);
    }

    public UtilizationFilter.Params params() {
        return params;
    }

    @Override
    public TypedName typedName() {
        return name;
    }

    @Override
    public double saturation(List<EndpointState> endpoints) {
        if (endpoints.isEmpty()) {
            return SATURATED;
        }
        double total = 0;
        for (EndpointState e : endpoints) {
            total += endpointScore(e);
        }
        return total / endpoints.size();
    }

    /** One endpoint's score: 1.0 when its load is unknown, else its most constrained resource's ratio. */
    double endpointScore(EndpointState e) {
        if (!e.fresh() || e.metrics() == null) {
            return SATURATED;
        }
        int waiting = Math.max(0, e.waiting());
        int running = Math.max(0, e.running());
        int credit = Math.max(0, e.inFlightRequests() - (waiting + running));
        double queue = (double) (waiting + credit) / params.queueDepthThreshold();
        double kv = e.kvCacheUsage();
        return Double.isNaN(kv) ? queue : Math.max(queue, kv / params.kvCacheUtilThreshold());
    }

    @Override
    public List<EndpointState> filter(PickRequest request, List<EndpointState> endpoints) {
        return filter.filter(request, endpoints);
    }
}
