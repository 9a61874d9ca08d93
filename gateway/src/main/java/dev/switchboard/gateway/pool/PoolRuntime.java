package dev.switchboard.gateway.pool;

import dev.switchboard.core.config.PoolConfig;
import dev.switchboard.core.config.Upstream;
import dev.switchboard.picker.datalayer.EngineType;
import dev.switchboard.picker.datalayer.MetricsExtractor;
import dev.switchboard.picker.datalayer.ModelServerMetrics;
import dev.switchboard.picker.datalayer.OrcaReport;
import dev.switchboard.picker.pool.Endpoint;
import dev.switchboard.picker.scheduling.EndpointState;
import dev.switchboard.picker.scheduling.PickRequest;
import dev.switchboard.picker.scheduling.SchedulingProfile;
import dev.switchboard.picker.scheduling.UncachedTokens;
import dev.switchboard.transport.Transport;
import io.netty.channel.EventLoopGroup;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One InferencePool at run time: its endpoints, their freshest load (scraped every {@link #SCRAPE_INTERVAL_NANOS},
 * refreshed by ORCA reports on responses), what this gateway has in flight on each, and the scheduling profile that
 * orders them for a request. Endpoints can join and leave while requests run ({@link #update}); the profile and its
 * learned state (the prefix index) live as long as the pool does, across configuration reloads that keep it.
 */
public final class PoolRuntime implements AutoCloseable {
    /*
     * Concurrency: the endpoint list is an immutable snapshot replaced on update (copy on write), so picks read it
     * without a lock. Each endpoint's Slot holds its latest metrics (written by its scraper's event loop or by any
     * loop that reads an ORCA report) and atomic counters of this gateway's requests there; a pick may mix values
     * from different moments, which is no worse than the scrapes' own skew. A Lease ties one attempt to its Slot,
     * so the counters stay right even if the endpoint leaves the pool while the attempt runs.
     */

    /** The reference EPP's scrape interval. */
    static final long SCRAPE_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
    /** Metrics older than this count as unknown load (the reference saturation detector's staleness threshold). */
    static final long STALE_NANOS = TimeUnit.MILLISECONDS.toNanos(200);

    private final String name;
    private final SchedulingProfile profile;
    private final EventLoopGroup loops;
    private final Transport transport;
    private volatile Members members = new Members(List.of());
    private volatile boolean closed;

    public PoolRuntime(PoolConfig pool, SchedulingProfile profile, EventLoopGroup loops, Transport transport) {
        this.name = pool.name();
        this.profile = profile;
        this.loops = loops;
        this.transport = transport;
        update(pool.endpoints());
    }

    public String name() {
        return name;
    }

    public SchedulingProfile profile() {
        return profile;
    }

    /**
     * Makes {@code members} the pool's endpoints: new ones start being scraped, gone ones stop and are forgotten by
     * the profile's plugins, the others keep their metrics and counters.
     */
    public synchronized void update(List<PoolConfig.Member> members) {
        if (closed) {
            return;
        }
        Map<String, Slot> old = new HashMap<>();
        for (Slot s : this.members.slots) {
            old.put(s.endpoint.address(), s);
        }
        Map<String, Slot> next = new LinkedHashMap<>();
        for (PoolConfig.Member m : members) {
            String address = m.host() + ":" + m.port();
            if (next.containsKey(address)) {
                continue;
            }
            Slot s = old.remove(address);
            if (s == null || !s.endpoint.labels().equals(m.labels())) {
                if (s != null) {
                    s.scraper.close();
                }
                s = new Slot(new Endpoint(m.host(), m.port(), m.labels(), engine(m.labels())));
                s.scraper.start();
            }
            next.put(address, s);
        }
        this.members = new Members(List.copyOf(next.values()));
        for (Slot gone : old.values()) {
            gone.scraper.close();
            profile.endpointRemoved(gone.endpoint);
        }
    }

    private static EngineType engine(Map<String, String> labels) {
        EngineType t = EngineType.of(labels.getOrDefault(EngineType.LABEL, labels.get(EngineType.LEGACY_LABEL)));
        return t == null ? EngineType.VLLM : t;
    }

    /**
     * The endpoints to try for one request: the picker's choice first, then the other endpoints the filters let
     * through as fallbacks, in pool order (an endpoint a filter excluded is never tried).
     *
     * @param upstreams the endpoints, best first; empty when the pool has none or the filters left none
     * @param whyNone   why {@code upstreams} is empty, or null
     */
    public record Order(List<Upstream> upstreams, String whyNone) {
    }

    /** The endpoints to try for {@code request}; see {@link Order}. */
    public Order order(PickRequest request) {
        Members now = members;
        List<EndpointState> states = states(now.slots);
        var result = profile.pick(request, states, ThreadLocalRandom.current());
        List<Upstream> out = new ArrayList<>(now.slots.size());
        for (EndpointState s : result.endpoints()) {
            out.add(now.byEndpoint.get(s.endpoint()).upstream);
        }
        for (EndpointState s : result.candidates()) { // the rest, as fallbacks in pool order
            if (!result.endpoints().contains(s)) { // the picker's few, not the growing list
                out.add(now.byEndpoint.get(s.endpoint()).upstream);
            }
        }
        return new Order(out, out.isEmpty() ? result.reason() : null);
    }

    /** Every endpoint's state now. */
    public List<EndpointState> states() {
        return states(members.slots);
    }

    /** Whether the pool has no endpoints now. */
    public boolean isEmpty() {
        return members.slots.isEmpty();
    }

    private static List<EndpointState> states(List<Slot> slots) {
        long now = System.nanoTime();
        List<EndpointState> out = new ArrayList<>(slots.size());
        for (Slot s : slots) {
            out.add(s.state(now));
        }
        return out;
    }

    /** The endpoint of this pool at {@code u}, or null when {@code u} is not (or no longer) one. */
    public Endpoint endpoint(Upstream u) {
        Slot s = members.byUpstream.get(u);
        return s == null ? null : s.endpoint;
    }

    /**
     * An attempt of {@code request} starts on {@code u}: counted in flight there until the lease is closed. Null
     * when {@code u} is not (or no longer) an endpoint of this pool.
     */
    public Lease started(Upstream u, PickRequest request) {
        Slot s = members.byUpstream.get(u);
        return s == null ? null : new Lease(s, request.promptTokens(), UncachedTokens.of(request, s.endpoint));
    }

    @Override
    public synchronized void close() {
        closed = true;
        members.slots.forEach(s -> s.scraper.close());
    }

    /** The endpoints at one moment, with the lookups a pick and an attempt make, built once per change. */
    private static final class Members {
        final List<Slot> slots;
        final Map<Endpoint, Slot> byEndpoint = new HashMap<>();
        final Map<Upstream, Slot> byUpstream = new HashMap<>();

        Members(List<Slot> slots) {
            this.slots = slots;
            for (Slot s : slots) {
                byEndpoint.put(s.endpoint, s);
                byUpstream.put(s.upstream, s);
            }
        }
    }

    /** One endpoint's load as this gateway knows it. */
    private final class Slot {
        final Endpoint endpoint;
        final Upstream upstream;
        final MetricsScraper scraper;
        volatile ModelServerMetrics metrics;
        volatile long updatedAt;
        final AtomicInteger inFlight = new AtomicInteger();
        final AtomicLong inFlightTokens = new AtomicLong();
        final AtomicInteger prefill = new AtomicInteger();
        final AtomicLong prefillTokens = new AtomicLong();

        Slot(Endpoint endpoint) {
            this.endpoint = endpoint;
            this.upstream = new Upstream(endpoint.host(), endpoint.port(), null);
            this.scraper = new MetricsScraper(loops.next(), transport, endpoint.host(), endpoint.port(),
                    SCRAPE_INTERVAL_NANOS, new MetricsExtractor(endpoint.engine()), this::metrics);
        }

        void metrics(ModelServerMetrics m) {
            if (!m.reportsLoad()) {
                return; // left to go stale, so the endpoint's load counts as unknown
            }
            metrics = m;
            updatedAt = System.nanoTime();
        }

        EndpointState state(long now) {
            ModelServerMetrics m = metrics;
            boolean fresh = m != null && now - updatedAt < STALE_NANOS;
            return new EndpointState(endpoint, m, fresh, inFlight.get(), inFlightTokens.get(), prefill.get(),
                    prefillTokens.get());
        }
    }

    /** One attempt's share of an endpoint's load: in flight until closed, prefilling until its first token. */
    public static final class Lease implements AutoCloseable {
        private final Slot slot;
        private final long tokens;
        private final long uncached;
        private final AtomicBoolean prefilling = new AtomicBoolean(true);
        private final AtomicBoolean open = new AtomicBoolean(true);

        private Lease(Slot slot, long tokens, long uncached) {
            this.slot = slot;
            this.tokens = tokens;
            this.uncached = uncached;
            slot.inFlight.incrementAndGet();
            slot.inFlightTokens.addAndGet(tokens);
            slot.prefill.incrementAndGet();
            slot.prefillTokens.addAndGet(uncached);
        }

        /** The first bytes of the response arrived: the prompt is prefilled. */
        public void firstToken() {
            if (prefilling.compareAndSet(true, false)) {
                slot.prefill.decrementAndGet();
                slot.prefillTokens.addAndGet(-uncached);
            }
        }

        /** The endpoint's ORCA load report from a response header; unreadable reports are ignored. */
        public void loadReport(String header) {
            ModelServerMetrics m = OrcaReport.apply(slot.metrics, header);
            if (m != null) {
                slot.metrics(m);
            }
        }

        @Override
        public void close() {
            if (open.compareAndSet(true, false)) {
                firstToken();
                slot.inFlight.decrementAndGet();
                slot.inFlightTokens.addAndGet(-tokens);
            }
        }
    }
}
