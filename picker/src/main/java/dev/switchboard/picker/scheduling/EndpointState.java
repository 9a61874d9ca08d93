package dev.switchboard.picker.scheduling;

import dev.switchboard.picker.datalayer.ModelServerMetrics;
import dev.switchboard.picker.pool.Endpoint;

/**
 * What the scheduler knows about one endpoint when it picks: the last metrics scrape (or ORCA report) and what this
 * gateway has sent there and not yet seen finish. Immutable.
 *
 * @param endpoint         the endpoint
 * @param metrics          the freshest metrics, or null when none arrived yet
 * @param fresh            whether {@code metrics} is recent enough to trust (stale metrics mean unknown load)
 * @param inFlightRequests requests this gateway has in flight there
 * @param inFlightTokens   their prompt tokens, estimated
 */
public record EndpointState(
        Endpoint endpoint, ModelServerMetrics metrics, boolean fresh, int inFlightRequests, long inFlightTokens) {

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
}
