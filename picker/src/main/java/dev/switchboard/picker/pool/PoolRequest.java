package dev.switchboard.picker.pool;

import dev.switchboard.core.config.PoolConfig;
import dev.switchboard.picker.flowcontrol.FlowController;
import dev.switchboard.picker.flowcontrol.Rejection;
import dev.switchboard.picker.scheduling.EndpointState;
import dev.switchboard.picker.scheduling.PickRequest;
import dev.switchboard.picker.scheduling.ResponseHeaderProcessor;
import dev.switchboard.picker.scheduling.SchedulingProfile;
import dev.switchboard.picker.scheduling.SharedLearner;
import dev.switchboard.picker.scheduling.UncachedTokens;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One request at one pool: its target model and priority, its wait in flow control, its pick, and the leases of
 * its attempts. It reads the pool's configuration and picking state once, when created, so every decision about
 * the request follows the configuration it arrived under, even across a reload while it waits. Confined to one
 * thread at a time (the request's event loop, or its ext_proc stream); queue listeners may be called on any thread.
 */
public final class PoolRequest {
    private static final Logger LOG = LoggerFactory.getLogger(PoolRequest.class);

    /** The fairness id of requests without the fairness header (the reference's default flow). */
    public static final String DEFAULT_FLOW = "default-flow";
    /** Longest fairness id taken from a client; longer ones are cut (they only need to be distinct). */
    static final int MAX_FLOW_ID = 256;

    /** Hears the outcome of a wait in the pool's queue, exactly once, on any thread. */
    public interface Listener {
        /** The request may be picked for now. */
        void dispatched();

        /** The request must be answered with an error ({@code why.status()}); it was never sent anywhere. */
        void rejected(Rejection why, String message);
    }

    private final InferencePool pool;
    private final PoolConfig config;
    private final InferencePool.Picking picking;
    private final RequestSpec spec;
    private final String model;
    private final int priority;
    private final String flowId;
    /** The scheduler's view of the request, once picked: the attempts' leases read its prefill estimates. */
    private PickRequest picked;
    private FlowController.Ticket ticket;

    PoolRequest(InferencePool pool, PoolConfig config, InferencePool.Picking picking, RequestSpec spec) {
        this.pool = pool;
        this.config = config;
        this.picking = picking;
        this.spec = spec;
        this.model = PoolModels.target(spec.model(), spec.modelRewrite(), config.rewrites(), ThreadLocalRandom.current());
        this.priority = config.priority(spec.objective());
        String flow = spec.fairnessId();
        this.flowId = flow == null || flow.isBlank() ? DEFAULT_FLOW
                : flow.length() > MAX_FLOW_ID ? flow.substring(0, MAX_FLOW_ID) : flow;
    }

    public InferencePool pool() {
        return pool;
    }

    /** The model the pool serves the request as (InferenceModelRewrite or the rewrite header applied). */
    public String model() {
        return model;
    }

    /** The priority the request's objective has at this pool (0 without one; below 0: sheddable). */
    public int priority() {
        return priority;
    }

    /** Whether the pool queues requests while it is saturated (flow control on). */
    public boolean flowControlled() {
        return picking.flow() != null;
    }

    /**
     * Waits in the pool's flow control queue while the pool is saturated; {@code listener} hears the outcome
     * once, perhaps before this returns.
     *
     * @throws IllegalStateException when flow control is off for the pool
     */
    public void queue(Listener listener) {
        FlowController flow = picking.flow();
        if (flow == null) {
            throw new IllegalStateException("flow control is off for InferencePool " + pool.name());
        }
        ticket = flow.submit(priority, flowId, spec.bodyBytes(), new FlowController.Listener() {
            @Override
            public void dispatched() {
                listener.dispatched();
            }

            @Override
            public void rejected(Rejection why) {
                listener.rejected(why, queueRejection(why));
            }
        });
    }

    private String queueRejection(Rejection why) {
        String name = "InferencePool '" + pool.name() + "'";
        return switch (why) {
            case SATURATED -> name + " is saturated and its flow control queue is full; retry later.";
            case TTL_EXPIRED -> "The request waited " + picking.picker().flowControl().defaultRequestTTL().toMillis()
                    + " ms (defaultRequestTTL) in " + name + "'s queue while the pool stayed saturated; retry later.";
            case NO_ENDPOINTS -> name + " has no endpoints to serve the request.";
            case NO_CANDIDATES -> name + "'s picker found no endpoint for the request.";
        };
    }

    /** Leaves the queue if the request still waits there (the client went away, or its time ran out). */
    public void cancel() {
        if (ticket != null) {
            ticket.cancel();
            ticket = null;
        }
    }

    /**
     * Admission, then scheduling. Turned away: with no endpoints ({@link Rejection#NO_ENDPOINTS}, also when the
     * subset hint matches no member), when sheddable while the pool is saturated and flow control is off
     * ({@link Rejection#SATURATED}), or when the profile's filters leave no endpoint ({@link Rejection#NO_CANDIDATES}).
     */
    public Decision pick() {
        InferencePool.Members now = pool.members();
        if (now.slots.isEmpty()) {
            return Decision.rejected(Rejection.NO_ENDPOINTS, "InferencePool '" + pool.name()
                    + "' has no endpoints to serve the request.");
        }
        List<EndpointState> all = now.states(pool.nanoTime());
        if (picking.flow() == null && priority < 0 && picking.picker().saturationDetector().saturated(all)) {
            return Decision.rejected(Rejection.SATURATED, "InferencePool '" + pool.name() + "' is saturated and this"
                    + " request's objective '" + spec.objective() + "' has priority " + priority + ", so it is"
                    + " sheddable; retry later, or send it with an objective of priority 0 or more.");
        }
        List<EndpointState> candidates = spec.subset() == null ? all : within(all, spec);
        if (candidates.isEmpty()) {
            return Decision.rejected(Rejection.NO_ENDPOINTS, "None of the " + spec.subset().size() + " endpoints of"
                    + " the subset hint is an endpoint of InferencePool '" + pool.name() + "'.");
        }
        picked = PickRequest.of(model, spec.prompt(), spec.promptTokens(), spec.headers(), priority);
        SchedulingProfile.Result result = picking.picker().profile().pick(picked, candidates, ThreadLocalRandom.current());
        if (result.endpoints().isEmpty()) {
            return Decision.rejected(Rejection.NO_CANDIDATES, "No endpoint of InferencePool '" + pool.name()
                    + "' can serve this request now (" + result.reason() + "); retry later.");
        }
        share(result.endpoints().get(0).endpoint());
        List<Endpoint> first = new ArrayList<>(result.endpoints().size());
        for (EndpointState s : result.endpoints()) {
            first.add(s.endpoint());
        }
        List<Endpoint> rest = new ArrayList<>(Math.max(0, result.candidates().size() - first.size()));
        for (EndpointState s : result.candidates()) {
            if (!picked(result.endpoints(), s)) {
                rest.add(s.endpoint());
            }
        }
        return new Decision(first, rest, null, null);
    }

    /** Tells the other replicas (if any) what the profile's learners recorded for this pick. */
    private void share(Endpoint chosen) {
        SharedPoolState sharing = pool.sharing();
        if (sharing == SharedPoolState.NONE) {
            return;
        }
        for (SharedLearner l : picking.picker().profile().learners()) {
            long[] hashes = l.recorded(picked);
            if (hashes.length > 0) {
                sharing.blocksSent(pool.name(), l.typedName().name(), chosen.address(), hashes);
            }
        }
    }

    /** Whether the picker chose {@code s}'s endpoint (a state's record equality would compare its metrics too). */
    private static boolean picked(List<EndpointState> chosen, EndpointState s) {
        for (EndpointState c : chosen) { // the picker's few (usually one): no set needed
            if (c.endpoint().equals(s.endpoint())) {
                return true;
            }
        }
        return false;
    }

    private static List<EndpointState> within(List<EndpointState> all, RequestSpec spec) {
        List<EndpointState> out = new ArrayList<>(spec.subset().size());
        for (EndpointState s : all) {
            if (spec.subset().contains(s.endpoint().address())) {
                out.add(s);
            }
        }
        return out;
    }

    /**
     * An attempt starts on {@code endpoint}: counted in flight there until the lease is closed. Null when it is
     * not (or no longer) a member.
     */
    public Lease started(Endpoint endpoint) {
        EndpointSlot s = pool.members().byEndpoint.get(endpoint);
        if (s == null) {
            return null;
        }
        long uncached = picked == null ? spec.promptTokens() : UncachedTokens.of(picked, endpoint);
        return new Lease(pool, s, spec.promptTokens(), uncached);
    }

    /**
     * Lets the profile's response-header plugins add their headers to a response {@code served} sent (e.g.
     * {@code x-session-token}). Nothing to do when the profile has none, or before a pick.
     */
    public void addResponseHeaders(Endpoint served, BiConsumer<String, String> set) {
        List<ResponseHeaderProcessor> processors = picking.picker().profile().responseHeaderProcessors();
        if (picked == null || processors.isEmpty()) {
            return;
        }
        for (ResponseHeaderProcessor processor : processors) {
            try {
                processor.processResponseHeaders(picked, served, set::accept);
            } catch (RuntimeException e) { // a plugin's bug must not fail a response that arrived fine
                LOG.warn("response-header plugin {} failed: {}", processor.typedName(), e.toString());
            }
        }
    }

    /** The configuration of the pool this request arrived under. */
    public PoolConfig config() {
        return config;
    }
}
