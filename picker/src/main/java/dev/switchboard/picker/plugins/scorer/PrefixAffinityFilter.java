package dev.switchboard.picker.plugins.scorer;

import dev.switchboard.picker.pool.Endpoint;
import dev.switchboard.picker.scheduling.EndpointListener;
import dev.switchboard.picker.scheduling.EndpointState;
import dev.switchboard.picker.scheduling.Filter;
import dev.switchboard.picker.scheduling.PickObserver;
import dev.switchboard.picker.scheduling.PickRequest;
import dev.switchboard.picker.scheduling.SharedLearner;
import dev.switchboard.picker.scheduling.TypedName;
import java.util.ArrayList;
import java.util.List;

/**
 * Type {@value #TYPE}, "sticky until saturated" (llm-d's routing for prefill-bound work): a request stays with the
 * endpoints that hold at least {@code affinityThreshold} of its prompt in their prefix cache, unless the best of
 * them would start its answer more than {@code maxTTFTPenaltyMs} later than the best endpoint without it; then every
 * endpoint passes and the scorers after this filter spread the load. As stickiness it is as cheap as hash affinity
 * at moderate load; at saturation it gives way to load.
 *
 * <p>Estimated time to first token at an endpoint: the prompt tokens it still has to prefill for this gateway's
 * requests (its backlog) plus this prompt's uncached tokens, over its prefill throughput. llm-d divides by one
 * calibrated {@code peakPrefillThroughput} per model and hardware; without that parameter (Switchboard's default)
 * each endpoint's own throughput is learned from its times to first token ({@link PrefillRates}), so a pool of
 * mixed hardware, or an endpoint that slows down, is seen as it is, with nothing to calibrate.
 *
 * <p>Keeps its own prefix index (as the prefix scorers), recorded on each pick and, with shared state, on the
 * other replicas' picks.
 */
public final class PrefixAffinityFilter implements Filter, PickObserver, EndpointListener, SharedLearner {
    public static final String TYPE = "prefix-cache-affinity-filter";

    /**
     * @param prefix                the prefix index's parameters (as the prefix-cache-scorer's)
     * @param affinityThreshold     share of the prompt an endpoint must cache to be warm (llm-d: 0.8)
     * @param maxTtftPenaltyMs      how much later than the best cold endpoint the best warm one may start
     * @param peakPrefillThroughput tokens per second for every endpoint, or 0 to learn each endpoint's
     */
    public record Params(PrefixCacheScorer.Params prefix, double affinityThreshold, double maxTtftPenaltyMs,
            double peakPrefillThroughput) {
        /**
         * 1 s of extra wait before a warm endpoint is given up. The index matches up to 1,024 blocks (16k tokens), as
         * the predicted-ttft scorer's: with the reference's 256 a 6,000-token system prompt is never 80% matched, and
         * the filter would never stick.
         */
        public static final Params DEFAULTS = new Params(PredictedTtftScorer.Params.DEFAULTS.prefix(), 0.8, 1000, 0);

        public Params {
            if (!(affinityThreshold > 0 && affinityThreshold <= 1) || !(maxTtftPenaltyMs >= 0)
                    || !(peakPrefillThroughput >= 0)) {
                throw new IllegalArgumentException("affinityThreshold must be in (0, 1], maxTTFTPenaltyMs and"
                        + " peakPrefillThroughput >= 0");
            }
        }
    }

    private final TypedName name;
    private final Params params;
    private final PrefixMatcher matcher;

    public PrefixAffinityFilter(String name, Params params) {
        this.name = new TypedName(TYPE, name);
        this.params = params;
        this.matcher = new PrefixMatcher(name, params.prefix());
    }

    @Override
    public TypedName typedName() {
        return name;
    }

    @Override
    public List<EndpointState> filter(PickRequest request, List<EndpointState> endpoints) {
        int n = endpoints.size();
        if (n < 2 || request.promptTokens() <= 0) {
            return endpoints;
        }
        int[] blocks = new int[n];
        matcher.match(request, endpoints, blocks);
        double[] rates = PrefillRates.of(endpoints, params.peakPrefillThroughput());
        double bestWarm = Double.MAX_VALUE;
        double bestCold = Double.MAX_VALUE;
        List<EndpointState> warm = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            long uncached = matcher.uncached(request, blocks[i]);
            double ttft = PrefillRates.ttftMs(endpoints.get(i), uncached, rates[i]);
            if (request.promptTokens() - uncached >= params.affinityThreshold() * request.promptTokens()) {
                warm.add(endpoints.get(i));
                bestWarm = Math.min(bestWarm, ttft);
            } else {
                bestCold = Math.min(bestCold, ttft);
            }
        }
        if (warm.isEmpty() || warm.size() == n || bestWarm - bestCold > params.maxTtftPenaltyMs()) {
            return endpoints; // nobody warm, everybody warm, or the warm ones are saturated: load decides
        }
        return warm;
    }

    @Override
    public void onPicked(PickRequest request, EndpointState picked) {
        matcher.record(request, picked);
    }

    @Override
    public long[] recorded(PickRequest request) {
        return matcher.recorded(request);
    }

    @Override
    public void learn(EndpointState at, long[] hashes) {
        matcher.learn(at, hashes);
    }

    @Override
    public void endpointRemoved(Endpoint endpoint) {
        matcher.remove(endpoint);
    }
}
