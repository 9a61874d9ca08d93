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
 * <p>With {@code penaltyUpToSavedPrefill} (Switchboard's; off by default, as llm-d has it) the warm endpoint may be
 * later than the best cold one by at most the prefill its cache saves this request (its cached tokens at the cold
 * endpoint's rate: what moving would recompute), if that is less than {@code maxTTFTPenaltyMs}: a fixed second of extra wait is 6x a 12,000-token prompt's prefill
 * on an H100, so on long prompts the fixed bound kept a hot context on its server until its queue broke a 500 ms
 * objective (bench-picker's code-gen workload), while the saved prefill is what the request gives up by moving,
 * in the endpoint's own time. The same exchange rate as the predicted-ttft scorer's recompute charge.
 *
 * <p>With {@code saturatedKvUsage} below 1 (Switchboard's, off by default), a warm endpoint whose fresh KV-cache
 * use is at least that is not warm: its running sequences hold the cache, so the engine queues new requests until
 * one ends. The predicted-ttft profile set 0.9 for a while and no longer does: past the knee the released contexts
 * missed on other servers and filled their caches in turn (bench-picker's code-gen workload at 192 req/s served 73
 * and 93 req/s in two runs of three, where without the rule it served 126-132; docs/picker.md).
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
     * @param penaltyUpToSavedPrefill bound the penalty by the prefill the warm endpoint's cache saves
     * @param saturatedKvUsage      KV-cache use (fresh metrics) at which a warm endpoint counts as saturated; 1 never
     */
    public record Params(PrefixCacheScorer.Params prefix, double affinityThreshold, double maxTtftPenaltyMs,
            double peakPrefillThroughput, boolean penaltyUpToSavedPrefill, double saturatedKvUsage) {
        /**
         * 1 s of extra wait before a warm endpoint is given up. The index matches up to 1,024 blocks (16k tokens), as
         * the predicted-ttft scorer's: with the reference's 256 a 6,000-token system prompt is never 80% matched, and
         * the filter would never stick.
         */
        public static final Params DEFAULTS = new Params(PredictedTtftScorer.Params.DEFAULTS.prefix(), 0.8, 1000, 0,
                false, 1);

        /** llm-d's parameters alone. */
        public Params(PrefixCacheScorer.Params prefix, double affinityThreshold, double maxTtftPenaltyMs,
                double peakPrefillThroughput) {
            this(prefix, affinityThreshold, maxTtftPenaltyMs, peakPrefillThroughput, false, 1);
        }

        public Params {
            if (!(affinityThreshold > 0 && affinityThreshold <= 1) || !(maxTtftPenaltyMs >= 0)
                    || !(peakPrefillThroughput >= 0) || !(saturatedKvUsage > 0 && saturatedKvUsage <= 1)) {
                throw new IllegalArgumentException("affinityThreshold and saturatedKvUsage must be in (0, 1],"
                        + " maxTTFTPenaltyMs and peakPrefillThroughput >= 0");
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
        long warmCached = 0; // the prompt tokens the best warm endpoint holds
        double coldRate = 0; // the best cold endpoint's rate, which would recompute them
        List<EndpointState> warm = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            long uncached = matcher.uncached(request, blocks[i]);
            double ttft = PrefillRates.ttftMs(endpoints.get(i), uncached, rates[i]);
            long cached = request.promptTokens() - uncached;
            if (cached >= params.affinityThreshold() * request.promptTokens() && !saturated(endpoints.get(i))) {
                warm.add(endpoints.get(i));
                if (ttft < bestWarm) {
                    bestWarm = ttft;
                    warmCached = cached;
                }
            } else if (ttft < bestCold) {
                bestCold = ttft;
                coldRate = rates[i];
            }
        }
        double penalty = params.maxTtftPenaltyMs();
        if (params.penaltyUpToSavedPrefill() && coldRate > 0) {
            // at the cold endpoint's rate: a congested warm endpoint learns a low rate (its TTFTs are long), which
            // at its own rate would make its cache look worth more the worse it gets
            penalty = Math.min(penalty, warmCached * 1000.0 / coldRate);
        }
        if (warm.isEmpty() || warm.size() == n || bestWarm - bestCold > penalty) {
            return endpoints; // nobody warm, everybody warm, or the warm ones are saturated: load decides
        }
        return warm;
    }

    /**
     * Whether {@code e}'s running sequences hold so much of its KV cache that it may not admit the request: the
     * engine then queues it until a sequence ends, a wait the prefill-token estimate cannot see.
     */
    private boolean saturated(EndpointState e) {
        return e.kvCacheUsage() >= params.saturatedKvUsage(); // false when unknown (NaN)
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
