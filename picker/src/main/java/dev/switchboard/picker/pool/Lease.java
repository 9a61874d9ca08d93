package dev.switchboard.picker.pool;

import dev.switchboard.picker.datalayer.ModelServerMetrics;
import dev.switchboard.picker.datalayer.OrcaReport;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One attempt's share of an endpoint's load: in flight until closed, prefilling until its first token. It holds
 * the endpoint's slot, so the counts stay right even when the endpoint leaves the pool while the attempt runs.
 * Closing it also tells the pool's flow control that capacity may have come free.
 */
public final class Lease implements AutoCloseable {
    private final InferencePool pool;
    private final EndpointSlot slot;
    private final long tokens;
    private final long uncached;
    /** The prefill ahead of this attempt's first token when it was sent: the backlog here, and its own. */
    private final long work;
    private final long sentAt;
    /** What the endpoint's TTFT model predicted for this attempt when it was sent, ms; NaN while not known. */
    private final double predictedMillis;
    private final AtomicBoolean prefilling = new AtomicBoolean(true);
    private final AtomicBoolean open = new AtomicBoolean(true);

    Lease(InferencePool pool, EndpointSlot slot, long tokens, long uncached) {
        this.pool = pool;
        this.slot = slot;
        this.tokens = tokens;
        this.uncached = uncached;
        slot.inFlight.incrementAndGet();
        slot.inFlightTokens.addAndGet(tokens);
        slot.prefill.incrementAndGet();
        this.work = slot.prefillTokens.getAndAdd(uncached) + slot.remotePrefillTokens() + uncached;
        this.sentAt = slot.now();
        this.predictedMillis = slot.ttft.predictMillis(work, sentAt);
    }

    public Endpoint endpoint() {
        return slot.endpoint;
    }

    /** The first bytes of the response arrived: the prompt is prefilled, in the time the endpoint's rate learns. */
    public void firstToken() {
        if (endPrefill()) {
            long now = slot.now();
            slot.ttft.scored(predictedMillis, (now - sentAt) / 1e6);
            slot.ttft.observe(work, uncached, now - sentAt, now);
        }
    }

    /**
     * A whole (not streamed) answer's first bytes arrived: the prompt was prefilled long ago, with the generation
     * after it, so the time says nothing about prefill and is not learned.
     */
    public void prefilled() {
        endPrefill();
    }

    private boolean endPrefill() {
        if (prefilling.compareAndSet(true, false)) {
            slot.prefill.decrementAndGet();
            slot.prefillTokens.addAndGet(-uncached);
            return true;
        }
        return false;
    }

    /**
     * The answer's usage: of its {@code promptTokens} (as the endpoint counted them), {@code cachedTokens} came from
     * the endpoint's prefix cache; negative when the endpoint did not say. Compared with what the pick expected.
     */
    public void usage(long promptTokens, long cachedTokens) {
        if (tokens > 0 && cachedTokens >= 0) {
            slot.prefixEstimate.answered((double) (tokens - uncached) / tokens, promptTokens, cachedTokens);
        }
    }

    /** The endpoint's ORCA load report from a response header (null or unreadable: ignored). */
    public void loadReport(String header) {
        ModelServerMetrics m = OrcaReport.apply(slot.metrics(), header);
        if (m != null) {
            slot.metrics(m);
        }
    }

    /** The attempt is over; idempotent. */
    @Override
    public void close() {
        if (open.compareAndSet(true, false)) {
            endPrefill(); // an attempt that ended without a first token says nothing about the endpoint's speed
            slot.inFlight.decrementAndGet();
            slot.inFlightTokens.addAndGet(-tokens);
            pool.requestEnded();
        }
    }
}
