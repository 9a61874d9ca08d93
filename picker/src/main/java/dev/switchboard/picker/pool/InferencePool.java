package dev.switchboard.picker.pool;

import dev.switchboard.core.config.PoolConfig;
import dev.switchboard.picker.config.EndpointPickerConfig;
import dev.switchboard.picker.datalayer.EngineType;
import dev.switchboard.picker.flowcontrol.FlowControlConfig;
import dev.switchboard.picker.flowcontrol.FlowController;
import dev.switchboard.picker.scheduling.EndpointState;
import dev.switchboard.picker.scheduling.SharedLearner;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One InferencePool: its endpoints, their freshest load (metrics pages every {@link #SCRAPE_INTERVAL_NANOS},
 * refreshed by ORCA reports on responses), what this process has in flight on each, its scheduling profile, and
 * its admission (priorities by objective, shedding, flow control). The gateway and the ext_proc server both hold
 * one per pool and ask it per request ({@link #request}). The object lives as long as its pool stays in the
 * configuration: a reload reconfigures it in place, so requests that hold it keep a live pool, and what the pool
 * learned (metrics, in-flight counts, and the prefix index while its picker configuration is unchanged) survives.
 */
public final class InferencePool {
    /*
     * Concurrency: members, the configuration and the picking state are immutable snapshots replaced whole
     * (copy on write), so requests read them without a lock; a request reads the configuration and picking state
     * once, when it arrives (PoolRequest). Membership changes are serialized by this object's monitor. Each
     * endpoint's slot holds atomic counters; a Lease ties one attempt to its slot.
     */

    /** The reference EPP's scrape interval. */
    public static final long SCRAPE_INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
    /** Metrics older than this count as unknown load (the reference saturation detector's staleness threshold). */
    public static final long STALE_NANOS = TimeUnit.MILLISECONDS.toNanos(200);

    /** The picker configuration and the flow control queue built from it, replaced together. */
    record Picking(EndpointPickerConfig picker, FlowController flow) {}

    private final String name;
    private final PoolEnvironment env;
    private volatile PoolConfig config;
    private volatile Picking picking;
    private volatile Members members = new Members(List.of());
    private boolean closed;

    public InferencePool(PoolConfig config, EndpointPickerConfig picker, PoolEnvironment env) {
        this.name = config.name();
        this.env = env;
        this.config = config;
        this.picking = new Picking(picker, flowController(picker));
        members(config.endpoints());
    }

    private FlowController flowController(EndpointPickerConfig picker) {
        return picker.flowControlEnabled() ? new FlowController(picker.flowControl(), picker.saturationDetector(),
                this::states, env.scheduler(), env.nanoClock()) : null;
    }

    public String name() {
        return name;
    }

    /** One request's visit to this pool, under the configuration the pool has now. */
    public PoolRequest request(RequestSpec spec) {
        return new PoolRequest(this, config, picking, spec);
    }

    /**
     * Takes a reloaded configuration of this pool. With the same picker configuration (same object) only the
     * objectives, rewrites and members' sources change; with another, the new profile starts afresh and the
     * requests waiting in the old queue move to the new one in order (or are let through, when flow control is now
     * off). Members come separately ({@link #members}).
     */
    synchronized void reconfigure(PoolConfig next, EndpointPickerConfig picker) {
        this.config = next;
        Picking old = picking;
        if (old.picker() == picker) {
            return;
        }
        Picking now = new Picking(picker, flowController(picker));
        if (old.flow() != null) {
            if (now.flow() != null) {
                old.flow().handOver(now.flow());
            } else {
                old.flow().release();
            }
        }
        this.picking = now;
    }

    /** The pool's configuration now (a request keeps the one it arrived under: {@link PoolRequest#config}). */
    public PoolConfig config() {
        return config;
    }

    /** The picker configuration in use. */
    public EndpointPickerConfig picker() {
        return picking.picker();
    }

    /** The flow control settings in use, or null with flow control off. */
    public FlowControlConfig flowControl() {
        return picking.picker().flowControl();
    }

    /**
     * Makes {@code members} the pool's endpoints: new ones start being polled, gone ones stop and are forgotten by
     * the profile's plugins, the others keep their metrics and counters. Duplicates count once.
     */
    public synchronized void members(List<PoolConfig.Member> members) {
        if (closed) {
            return;
        }
        Map<String, EndpointSlot> old = new HashMap<>();
        for (EndpointSlot s : this.members.slots) {
            old.put(s.endpoint.address(), s);
        }
        Map<String, EndpointSlot> next = new LinkedHashMap<>();
        for (PoolConfig.Member m : members) {
            String address = m.host() + ":" + m.port();
            if (next.containsKey(address)) {
                continue;
            }
            EndpointSlot s = old.remove(address);
            if (s == null || !s.endpoint.labels().equals(m.labels())) {
                if (s != null) {
                    s.close();
                }
                s = new EndpointSlot(new Endpoint(m.host(), m.port(), m.labels(), engine(m.labels())), env,
                        SCRAPE_INTERVAL_NANOS, STALE_NANOS);
            }
            next.put(address, s);
        }
        this.members = new Members(List.copyOf(next.values()));
        for (EndpointSlot gone : old.values()) {
            gone.close();
            picking.picker().profile().endpointRemoved(gone.endpoint);
        }
    }

    private static EngineType engine(Map<String, String> labels) {
        EngineType t = EngineType.of(labels.getOrDefault(EngineType.LABEL, labels.get(EngineType.LEGACY_LABEL)));
        return t == null ? EngineType.VLLM : t;
    }

    /** Every endpoint's state now, in pool order. */
    public List<EndpointState> states() {
        return members.states(env.nanoClock().getAsLong());
    }

    /**
     * Each endpoint's time-to-first-token model now, how its predictions went and how the picks' cached-prefix
     * estimates compared with the answers, in pool order.
     */
    public List<EndpointTtft> ttftModels() {
        long now = env.nanoClock().getAsLong();
        List<EndpointSlot> slots = members.slots;
        List<EndpointTtft> out = new ArrayList<>(slots.size());
        for (EndpointSlot s : slots) {
            out.add(new EndpointTtft(s.endpoint.address(), s.ttft.tokensPerSecond(now), s.ttft.predictionError(),
                    s.prefixEstimate.totals()));
        }
        return out;
    }

    /**
     * One endpoint's learned time-to-first-token model ({@link TtftModel}) and its record.
     *
     * @param prefillRate tokens per second, NaN while not known
     * @param prefix      the picks' cached-prefix estimates against the answers' usage ({@link PrefixEstimate})
     */
    public record EndpointTtft(String address, double prefillRate, TtftModel.PredictionError error,
            PrefixEstimate.Totals prefix) {}

    /** The endpoints now, in pool order. */
    public List<Endpoint> endpoints() {
        List<EndpointSlot> slots = members.slots;
        List<Endpoint> out = new ArrayList<>(slots.size());
        for (EndpointSlot s : slots) {
            out.add(s.endpoint);
        }
        return out;
    }

    /** The member at {@code address} ({@code host:port}), or null. */
    public Endpoint endpoint(String address) {
        EndpointSlot s = members.byAddress.get(address);
        return s == null ? null : s.endpoint;
    }

    /** Whether the pool has no endpoints now. */
    public boolean isEmpty() {
        return members.slots.isEmpty();
    }

    /** Requests waiting in flow control now (0 with it off). */
    public int queued() {
        FlowController flow = picking.flow();
        return flow == null ? 0 : flow.queued();
    }

    /** The pool's saturation now, per its saturation detector (1 and above: saturated). */
    public double saturation() {
        return picking.picker().saturationDetector().saturation(states());
    }

    Members members() {
        return members;
    }

    /** What this pool shares with other replicas ({@link SharedPoolState#NONE}: nothing). */
    SharedPoolState sharing() {
        return env.sharing();
    }

    /** This replica's own requests in flight at each endpoint now, in pool order (what it tells its peers). */
    public List<EndpointLoad> localLoad() {
        List<EndpointSlot> slots = members.slots;
        List<EndpointLoad> out = new ArrayList<>(slots.size());
        for (EndpointSlot s : slots) {
            out.add(s.localLoad());
        }
        return out;
    }

    /**
     * Makes {@code byAddress} (endpoint address to the other replicas' requests there, summed) what the scorers add
     * to this replica's own counts; an endpoint missing from it has none. Addresses that are no members are ignored.
     */
    public void remoteLoad(Map<String, EndpointLoad> byAddress) {
        for (EndpointSlot s : members.slots) {
            s.remoteLoad(byAddress.get(s.endpoint.address()));
        }
    }

    /**
     * Another replica sent the prompt blocks {@code hashes} to the member at {@code address}, as recorded by the
     * plugin instance {@code learner}: the same plugin here learns it as if this replica had. Ignored when the
     * address is no member or the profile has no such plugin (the replicas' configurations differ).
     */
    public void learnBlocks(String learner, String address, long[] hashes) {
        EndpointSlot s = members.byAddress.get(address);
        SharedLearner l = s == null ? null : picking.picker().profile().learner(learner);
        if (l != null) {
            l.learn(s.state(nanoTime()), hashes);
        }
    }

    long nanoTime() {
        return env.nanoClock().getAsLong();
    }

    /** An attempt on this pool ended: flow control may dispatch a queued request. */
    void requestEnded() {
        FlowController flow = picking.flow();
        if (flow != null) {
            flow.requestEnded();
        }
    }

    /**
     * The pool is gone (removed by a reload, or the process is stopping): its endpoints stop being polled and the
     * requests still waiting in its queue are turned away (503) rather than sent all at once to a saturated pool.
     */
    synchronized void close() {
        closed = true;
        members.slots.forEach(EndpointSlot::close);
        FlowController flow = picking.flow();
        if (flow != null) {
            flow.close();
        }
    }

    /** The endpoints at one moment, with the lookups picks and attempts make, built once per change. */
    static final class Members {
        final List<EndpointSlot> slots;
        final Map<Endpoint, EndpointSlot> byEndpoint = new HashMap<>();
        final Map<String, EndpointSlot> byAddress = new HashMap<>();

        Members(List<EndpointSlot> slots) {
            this.slots = slots;
            for (EndpointSlot s : slots) {
                byEndpoint.put(s.endpoint, s);
                byAddress.put(s.endpoint.address(), s);
            }
        }

        List<EndpointState> states(long now) {
            List<EndpointState> out = new ArrayList<>(slots.size());
            for (EndpointSlot s : slots) {
                out.add(s.state(now));
            }
            return out;
        }
    }
}
