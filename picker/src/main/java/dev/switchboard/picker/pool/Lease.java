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
        slot.prefillTokens.addAndGet(uncached);
    }

    public Endpoint endpoint() {
        return slot.endpoint;
    }

    /** The first bytes of the response arrived: the prompt is prefilled. */
    public void firstToken() {
        if (prefilling.compareAndSet(true, false)) {
            slot.prefill.decrementAndGet();
            slot.prefillTokens.addAndGet(-uncached);
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
            firstToken();
            slot.inFlight.decrementAndGet();
            slot.inFlightTokens.addAndGet(-tokens);
            pool.requestEnded();
        }
    }
}
