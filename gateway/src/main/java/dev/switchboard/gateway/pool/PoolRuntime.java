package dev.switchboard.gateway.pool;

import dev.switchboard.core.config.PoolConfig;
import dev.switchboard.core.config.Upstream;
import dev.switchboard.picker.datalayer.EngineType;
import dev.switchboard.picker.datalayer.MetricsExtractor;
import dev.switchboard.picker.datalayer.ModelServerMetrics;
import dev.switchboard.picker.pool.Endpoint;
import dev.switchboard.picker.scheduling.EndpointState;
import dev.switchboard.picker.scheduling.PickRequest;
import dev.switchboard.picker.scheduling.SchedulingProfile;
import dev.switchboard.transport.Transport;
import io.netty.channel.EventLoopGroup;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * One InferencePool at run time: its endpoints, their freshest metrics (scraped every {@link #SCRAPE_INTERVAL_NANOS}),
 * this gateway's in-flight requests on each, and the scheduling profile that orders them for a request.
 */
public final class PoolRuntime implements AutoCloseable {
    /*
     * Concurrency: scrapers write an endpoint's slot of the atomic arrays from their event loop; picks read them
     * from any loop without a lock and see each slot's latest value (a pick may mix slots from different scrapes,
     * which is no worse than the scrapes' own skew). In-flight counts are incremented when an attempt starts on an
     * endpoint and decremented when it ends.
     */

    /** The reference EPP's scrape interval. */
    static final long SCRAPE_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
    /** Metrics older than this count as unknown load (the reference saturation detector's staleness threshold). */
    static final long STALE_NANOS = TimeUnit.MILLISECONDS.toNanos(200);

    private final String name;
    private final List<Endpoint> endpoints;
    private final List<Upstream> upstreams;
    private final SchedulingProfile profile;
    private final AtomicReferenceArray<ModelServerMetrics> metrics;
    private final AtomicLongArray scrapedAt;
    private final AtomicIntegerArray inFlight;
    private final List<MetricsScraper> scrapers = new ArrayList<>();

    public PoolRuntime(PoolConfig pool, SchedulingProfile profile, EventLoopGroup loops, Transport transport) {
        this.name = pool.name();
        this.profile = profile;
        this.endpoints = pool.endpoints().stream().map(m -> new Endpoint(m.host(), m.port(), m.labels(),
                engine(m.labels()))).toList();
        this.upstreams = pool.endpoints().stream().map(m -> new Upstream(m.host(), m.port(), null)).toList();
        int n = endpoints.size();
        this.metrics = new AtomicReferenceArray<>(n);
        this.scrapedAt = new AtomicLongArray(n);
        this.inFlight = new AtomicIntegerArray(n);
        for (int i = 0; i < n; i++) {
            int slot = i;
            Endpoint e = endpoints.get(i);
            MetricsScraper s = new MetricsScraper(loops.next(), transport, e.host(), e.port(), SCRAPE_INTERVAL_NANOS,
                    new MetricsExtractor(e.engine()), m -> {
                        metrics.set(slot, m);
                        scrapedAt.set(slot, System.nanoTime());
                    });
            scrapers.add(s);
            s.start();
        }
    }

    private static EngineType engine(java.util.Map<String, String> labels) {
        EngineType t = EngineType.of(labels.getOrDefault(EngineType.LABEL, labels.get(EngineType.LEGACY_LABEL)));
        return t == null ? EngineType.VLLM : t;
    }

    public String name() {
        return name;
    }

    /** The endpoints to try for {@code request}, best first (empty when the pool has none). */
    public List<Upstream> order(PickRequest request) {
        List<EndpointState> states = states();
        var result = profile.pick(request, states, ThreadLocalRandom.current());
        List<Upstream> out = new ArrayList<>(states.size());
        for (EndpointState s : result.endpoints()) {
            out.add(upstreams.get(endpoints.indexOf(s.endpoint())));
        }
        for (Upstream u : upstreams) { // the rest, as fallbacks in configuration order
            if (!out.contains(u)) {
                out.add(u);
            }
        }
        return out;
    }

    /** Every endpoint's state now. */
    public List<EndpointState> states() {
        long now = System.nanoTime();
        List<EndpointState> out = new ArrayList<>(endpoints.size());
        for (int i = 0; i < endpoints.size(); i++) {
            ModelServerMetrics m = metrics.get(i);
            boolean fresh = m != null && now - scrapedAt.get(i) < STALE_NANOS;
            out.add(new EndpointState(endpoints.get(i), m, fresh, inFlight.get(i), 0));
        }
        return out;
    }

    /** An attempt started on {@code u} (no-op for an address outside the pool). */
    public void started(Upstream u) {
        int i = upstreams.indexOf(u);
        if (i >= 0) {
            inFlight.incrementAndGet(i);
        }
    }

    /** An attempt on {@code u} ended. */
    public void ended(Upstream u) {
        int i = upstreams.indexOf(u);
        if (i >= 0) {
            inFlight.decrementAndGet(i);
        }
    }

    @Override
    public void close() {
        scrapers.forEach(MetricsScraper::close);
    }
}
