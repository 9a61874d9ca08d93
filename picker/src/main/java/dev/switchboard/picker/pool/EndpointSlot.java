package dev.switchboard.picker.pool;

import dev.switchboard.picker.datalayer.MetricsExtractor;
import dev.switchboard.picker.datalayer.ModelServerMetrics;
import dev.switchboard.picker.scheduling.EndpointState;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One endpoint's load as this process knows it: its latest metrics (from its metrics page, or an ORCA report on a
 * response) and atomic counts of this process's requests there. Metrics are written by the page poller's thread
 * or by whichever thread reads a report; a pick may mix values from different moments, which is no worse than the
 * scrapes' own skew.
 */
final class EndpointSlot {
    private static final Logger LOG = LoggerFactory.getLogger(EndpointSlot.class);

    final Endpoint endpoint;
    private final LongSupplier clock;
    private final long staleNanos;
    private final MetricsExtractor extractor;
    private final AutoCloseable poll;
    private volatile ModelServerMetrics metrics;
    private volatile long updatedAt;
    final AtomicInteger inFlight = new AtomicInteger();
    final AtomicLong inFlightTokens = new AtomicLong();
    final AtomicInteger prefill = new AtomicInteger();
    final AtomicLong prefillTokens = new AtomicLong();
    /** Learned from this gateway's times to first token here (Lease). */
    final TtftModel ttft = new TtftModel(TTFT_HALF_LIFE_NANOS);
    /** The picks' expected cached prefix here against what the answers reported (Lease). */
    final PrefixEstimate prefixEstimate = new PrefixEstimate();
    /**
     * 10 s: a busy endpoint gives dozens of samples in that time, one that slows down is seen within 20 s, and one
     * that stopped getting requests after a few slow ones (a cold start) is tried again within seconds. 30 s was
     * tried first: a cold endpoint stayed starved for most of a minute (PoolSpeedChangeIT failed 1 run in 4).
     */
    static final long TTFT_HALF_LIFE_NANOS = 10_000_000_000L;
    /** Other replicas' requests here, as they last told (SharedPoolState); replaced whole, read per pick. */
    private volatile EndpointLoad remote;

    EndpointSlot(Endpoint endpoint, PoolEnvironment env, long intervalNanos, long staleNanos) {
        this.endpoint = endpoint;
        this.clock = env.nanoClock();
        this.staleNanos = staleNanos;
        this.extractor = new MetricsExtractor(endpoint.engine());
        this.remote = EndpointLoad.none(endpoint.address());
        this.poll = env.metrics().poll(endpoint, intervalNanos, page -> metrics(extractor.extract(page, 0, page.length)));
    }

    ModelServerMetrics metrics() {
        return metrics;
    }

    void metrics(ModelServerMetrics m) {
        if (m == null || !m.reportsLoad()) {
            return; // left to go stale, so the endpoint's load counts as unknown
        }
        metrics = m;
        updatedAt = clock.getAsLong();
    }

    /** The endpoint as the scorers see it: its metrics, and this replica's requests there plus the others'. */
    EndpointState state(long now) {
        ModelServerMetrics m = metrics;
        boolean fresh = m != null && now - updatedAt < staleNanos;
        EndpointLoad r = remote;
        return new EndpointState(endpoint, m, fresh, inFlight.get() + r.inFlight(),
                inFlightTokens.get() + r.inFlightTokens(), prefill.get() + r.prefill(),
                prefillTokens.get() + r.prefillTokens(), ttft.tokensPerSecond(now), ttft.samples(now));
    }

    long now() {
        return clock.getAsLong();
    }

    /** Other replicas' prompt tokens still to prefill here: they are ahead of this replica's next attempt too. */
    long remotePrefillTokens() {
        return remote.prefillTokens();
    }

    /** This replica's own requests here. */
    EndpointLoad localLoad() {
        return new EndpointLoad(endpoint.address(), inFlight.get(), inFlightTokens.get(), prefill.get(),
                prefillTokens.get());
    }

    /** Other replicas' requests here, summed; null: none. */
    void remoteLoad(EndpointLoad load) {
        remote = load == null ? EndpointLoad.none(endpoint.address()) : load;
    }

    void close() {
        try {
            poll.close();
        } catch (Exception e) {
            LOG.debug("stopping the metrics poll of {}", endpoint.address(), e);
        }
    }
}
