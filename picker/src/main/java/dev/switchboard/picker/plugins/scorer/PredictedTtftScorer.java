package dev.switchboard.picker.plugins.scorer;

import dev.switchboard.picker.pool.Endpoint;
import dev.switchboard.picker.scheduling.EndpointListener;
import dev.switchboard.picker.scheduling.EndpointState;
import dev.switchboard.picker.scheduling.PickObserver;
import dev.switchboard.picker.scheduling.PickRequest;
import dev.switchboard.picker.scheduling.Scorer;
import dev.switchboard.picker.scheduling.SharedLearner;
import dev.switchboard.picker.scheduling.TypedName;
import java.util.List;

/**
 * Type {@value #TYPE}, Switchboard's own: scores each endpoint by the time to first token the request would see
 * there, predicted in prefill tokens at the endpoint's learned speed. Score = lowest prediction / this endpoint's
 * prediction, so with the max-score picker the request goes where its first token comes soonest.
 *
 * <p>Parameters: {@code blockSize} (16 tokens), {@code maxPrefixBlocksToMatch} (1024), {@code lruCapacityPerServer}
 * (31,250), {@code autoTune} (true) and {@code maxIndexBytes} (64 MiB) for its prefix index, as the
 * prefix-cache-scorer's;
 * {@code runningRequestTokens} (64): what one decoding sequence costs a prefill, in tokens;
 * {@code kvPressureThreshold} (0.9): KV use above which admitting the prompt risks preemption;
 * {@code recomputeCost} (1): what each uncached token costs the rest of the pool, in units of this request's wait;
 * {@code adapterLoadTokens} (2048) and {@code adapterSlotWaitTokens} (100,000): a LoRA adapter's cost where it must
 * be loaded into a free slot, and where no slot is free.
 */
public final class PredictedTtftScorer implements Scorer, PickObserver, EndpointListener, SharedLearner {
    /*
     * Problem: the reference profile adds a prefix-hit score to load scores read from scrapes. Two things go wrong
     * under a shared-prefix load. (1) Scrapes lag: between two of them every pick sees the same queues, so the
     * endpoint holding a popular prefix takes a burst and queues it. (2) Weights fix the exchange rate between "has my
     * prefix" and "is busy" once for all prompts, while the worth of a cache hit is the prefill it saves, which
     * depends on the prompt, and the cost of a queue is the prefill ahead of it.
     * Approach: predict TTFT in one unit, tokens of prefill ahead of the request's first token, and charge the
     * tokens it makes an endpoint recompute once more for what they cost everyone else:
     *   cost(e) = prefill backlog(e) + (1 + recomputeCost) x uncached(e) + runningRequestTokens x decoding(e)
     *             (+ KV pressure) (+ adapter)
     * - backlog: the uncached prompt tokens of the requests this gateway sent to e that have no first token yet
     *   (known at once, no lag), plus, when fresh metrics show more waiting requests than that, the extra ones at
     *   this request's length (another gateway's traffic);
     * - uncached: this prompt's tokens minus the leading blocks e probably caches (the approximate prefix index);
     * - recomputeCost (1): recomputing a prefix is prefill pushed ahead of e's next requests and, in a full cache,
     *   other prefixes' blocks evicted and recomputed later. The greedy prediction (0) yields affinity whenever the
     *   holder is busy prefilling someone's miss; the request then misses elsewhere, which pushes the next request
     *   off that endpoint in turn: misses beget misses. On the bench-picker pool (cache 73% full of system
     *   prompts) the greedy variant kept 50% prefix hits at 96 req/s, recomputeCost 1 kept 85%;
     * - decoding: running sequences slow each prefill step a little (the larger of the local count and the scrape);
     * - KV pressure: above the threshold a new prompt preempts someone; priced as the prompt again, scaled to 1.0;
     * - adapter (a LoRA request only): 0 where the adapter runs; adapterLoadTokens (2048) where a slot is free, for
     *   loading it and for the slot it takes from the next adapter; adapterSlotWaitTokens (100,000) where every slot
     *   is taken: the engine skips the request until some adapter drains, which under steady traffic may be never,
     *   so such an endpoint is chosen only when all are. Adapters this gateway sent count as running for 250 ms
     *   (AdapterSlots), or a burst for a new adapter would take one free slot everywhere. On bench-picker's 15-adapter
     *   mix (max 3 per server) this kept TTFT p90 at 31 ms at 80 req/s, where the LoRA-blind reference profile
     *   reached 760 ms; 512 and 8192 load tokens measured the same within noise (the simulator loads adapters free).
     * Cache affinity thus yields when the holder's backlog exceeds twice the prefill a move would add; a hot prefix
     * then spreads to a second endpoint, which caches it in turn.
     * The tokens become time at each endpoint's own prefill rate, learned from its times to first token (TtftModel;
     * an endpoint not learned yet takes the pool's median). So a pool whose endpoints differ in speed, or one that
     * slows down mid-run, needs no configuration: an endpoint half as fast sees its backlog priced twice as long.
     * In a pool of equals the ranking is the tokens' ranking.
     */
    public static final String TYPE = "predicted-ttft-scorer";
    /** How long an adapter this gateway sent counts as running there before a scrape shows it: 5 scrapes. */
    static final long ADAPTER_HORIZON_NANOS = 250_000_000L;

    /**
     * The scorer's parameters; see the class comment.
     *
     * @param prefix its prefix index's, as the prefix-cache-scorer's (but 1024 blocks matched by default)
     */
    public record Params(PrefixCacheScorer.Params prefix, double runningRequestTokens, double kvPressureThreshold,
            double recomputeCost, double adapterLoadTokens, double adapterSlotWaitTokens) {
        public static final Params DEFAULTS = new Params(new PrefixCacheScorer.Params(16, 1024, 31_250, true), 64, 0.9,
                1, 2048, 100_000);

        public Params {
            if (!(runningRequestTokens >= 0) || !(recomputeCost >= 0) || !(adapterLoadTokens >= 0)
                    || !(adapterSlotWaitTokens >= 0) || !(kvPressureThreshold > 0 && kvPressureThreshold <= 1)) {
                throw new IllegalArgumentException("runningRequestTokens, recomputeCost, adapterLoadTokens and"
                        + " adapterSlotWaitTokens must be >= 0 and kvPressureThreshold in (0, 1]");
            }
        }
    }

    private final TypedName name;
    private final Params params;
    private final PrefixMatcher matcher;
    private final AdapterSlots adapters = new AdapterSlots(ADAPTER_HORIZON_NANOS);

    public PredictedTtftScorer(String name, Params params) {
        this.name = new TypedName(TYPE, name);
        this.params = params;
        this.matcher = new PrefixMatcher(name, params.prefix());
    }

    @Override
    public TypedName typedName() {
        return name;
    }

    @Override
    public void score(PickRequest request, List<EndpointState> endpoints, double[] scores) {
        int n = endpoints.size();
        int[] blocks = new int[n];
        matcher.match(request, endpoints, blocks);
        boolean adapter = adapters.isAdapter(request.model(), endpoints);
        long now = System.nanoTime();
        double[] rates = PrefillRates.of(endpoints, 0);
        double best = Double.MAX_VALUE;
        for (int i = 0; i < n; i++) {
            EndpointState e = endpoints.get(i);
            scores[i] = (predictedTokens(request, e, matcher.uncached(request, blocks[i]))
                    + (adapter ? adapterTokens(adapters.slot(e, request.model(), now)) : 0)) / rates[i];
            best = Math.min(best, scores[i]);
        }
        for (int i = 0; i < n; i++) {
            scores[i] = best / scores[i];
        }
    }

    /** The prefill tokens ahead of this request's first token at {@code e}; at least 1. */
    double predictedTokens(PickRequest request, EndpointState e, long uncached) {
        double backlog = e.prefillTokens();
        int waiting = e.waiting();
        if (waiting > e.prefillRequests()) {
            backlog += (double) (waiting - e.prefillRequests()) * request.promptTokens();
        }
        int decoding = Math.max(e.inFlightRequests() - e.prefillRequests(), e.running());
        double cost = 1 + backlog + (1 + params.recomputeCost()) * uncached + params.runningRequestTokens() * decoding;
        double kv = e.kvCacheUsage();
        if (kv > params.kvPressureThreshold()) {
            cost += request.promptTokens() * (kv - params.kvPressureThreshold()) / (1 - params.kvPressureThreshold() + 1e-9);
        }
        return cost;
    }

    /** What the request's adapter adds at an endpoint where it stands at {@code slot}, in prefill tokens. */
    double adapterTokens(AdapterSlots.Slot slot) {
        return switch (slot) {
            case LOADED -> 0;
            case FREE -> params.adapterLoadTokens();
            case FULL -> params.adapterSlotWaitTokens();
        };
    }

    @Override
    public void onPicked(PickRequest request, EndpointState picked) {
        matcher.record(request, picked);
        if (adapters.known(request.model())) {
            adapters.sent(picked.endpoint(), request.model(), System.nanoTime());
        }
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
        adapters.remove(endpoint);
    }
}
