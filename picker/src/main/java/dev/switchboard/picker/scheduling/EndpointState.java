package dev.switchboard.picker.scheduling;

import dev.switchboard.picker.datalayer.ModelServerMetrics;
import dev.switchboard.picker.pool.Endpoint;

/**
 * What the scheduler knows about one endpoint when it picks: the last metrics scrape (or ORCA report) and what this
 * gateway has sent there and not yet seen finish. Immutable.
 *
 * <p>The local counts matter because scraped metrics lag by up to a scrape interval: a burst of picks between two
 * scrapes would all see the same queue. What this gateway sent is known at once.
 *
 * @param endpoint         the endpoint
 * @param metrics          the freshest metrics, or null when none arrived yet
 * @param fresh            whether {@code metrics} is recent enough to trust (stale metrics mean unknown load)
 * @param inFlightRequests requests this gateway has in flight there
 * @param inFlightTokens   their prompt tokens, estimated
 * @param prefillRequests  of those, the ones with no first token yet (queued or being prefilled there)
 * @param prefillTokens    their prompt tokens still to prefill, estimated (what the endpoint's cache did not hold)
 * @param prefillRate      the endpoint's prefill throughput as learned from its times to first token, tokens per
 *                         second, or NaN while not known ({@link dev.switchboard.picker.pool.TtftModel})
 * @param prefillSamples   the answers that rate was learned from, decayed as it is (how much to trust it)
 */
public record EndpointState(
        Endpoint endpoint, ModelServerMetrics metrics, boolean fresh, int inFlightRequests, long inFlightTokens,
        int prefillRequests, long prefillTokens, double prefillRate, double prefillSamples) {

    /** A state whose prefill rate is given ({@code prefillRate} tokens per second, trusted fully). */
    public EndpointState(Endpoint endpoint, ModelServerMetrics metrics, boolean fresh, int inFlightRequests,
            long inFlightTokens, int prefillRequests, long prefillTokens, double prefillRate) {
        this(endpoint, metrics, fresh, inFlightRequests, inFlightTokens, prefillRequests, prefillTokens, prefillRate,
                prefillRate > 0 ? Double.POSITIVE_INFINITY : 0);
    }

    /** A state whose prefill rate is not known. */
    public EndpointState(Endpoint endpoint, ModelServerMetrics metrics, boolean fresh, int inFlightRequests,
            long inFlightTokens, int prefillRequests, long prefillTokens) {
        this(endpoint, metrics, fresh, inFlightRequests, inFlightTokens, prefillRequests, prefillTokens, Double.NaN);
    }

    /** A state with no local prefill accounting (every in-flight request counted as past its first token). */
    public EndpointState(Endpoint endpoint, ModelServerMetrics metrics, boolean fresh, int inFlightRequests,
            long inFlightTokens) {
        this(endpoint, metrics, fresh, inFlightRequests, inFlightTokens, 0, 0);
    }

    /** Waiting requests reported, or -1 when unknown or stale. */
    public int waiting() {
        return fresh && metrics != null ? metrics.waiting() : -1;
    }

    /** Running requests reported, or -1 when unknown or stale. */
    public int running() {
        return fresh && metrics != null ? metrics.running() : -1;
    }

    /** KV cache usage reported, 0..1, or NaN when unknown or stale. */
    public double kvCacheUsage() {
        return fresh && metrics != null ? metrics.kvCacheUsage() : Double.NaN;
    }

    /** Tokens the endpoint's KV cache holds in all, from its reported cache config, or -1 when not reported. */
    public long kvCapacityTokens() {
        return metrics != null && metrics.kvBlocks() > 0 && metrics.blockSize() > 0
                ? (long) metrics.kvBlocks() * metrics.blockSize() : -1;
    }
}
