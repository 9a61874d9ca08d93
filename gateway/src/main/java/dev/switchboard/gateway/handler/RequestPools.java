package dev.switchboard.gateway.handler;

import dev.switchboard.core.config.BackendRef;
import dev.switchboard.core.config.PoolConfig;
import dev.switchboard.core.config.RouteRule;
import dev.switchboard.core.error.ApiError;
import dev.switchboard.core.http.HeaderNames;
import dev.switchboard.gateway.pool.PoolAdmission;
import dev.switchboard.picker.flowcontrol.FlowController;
import dev.switchboard.picker.flowcontrol.Rejection;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.Map;

/**
 * One request's admission to the InferencePools of its rule: the priority its objective header gives it at each
 * pool, the flow control queue it waits in (if any), and which pool turned it away and why. Confined to the
 * request's event loop, like its {@link ProxyExchange}.
 */
final class RequestAdmission {
    /*
     * Where admission happens: a request waits (flow control) at the first of its rule's pools that has flow
     * control on, before its attempt plan is built, so that pool's endpoint picker runs at dispatch time, on
     * fresh metrics. Every other pool of the rule applies legacy admission as its turn in the plan comes: a
     * sheddable request is left out of a saturated pool's attempts; when that leaves no attempt at all, the
     * request gets that pool's 429. So a rule with a fallback backend sends sheddable traffic to the fallback
     * instead of dropping it.
     */

    /** Seconds a dropped request's client is asked to wait (Retry-After): load changes with every 50 ms scrape. */
    static final int RETRY_AFTER_SECONDS = 1;
    /** The fairness id of requests without the fairness header (the reference's default flow). */
    static final String DEFAULT_FLOW = "default-flow";
    /** Longest fairness id taken from a client; longer ones are cut (they only need to be distinct). */
    static final int MAX_FLOW_ID = 256;

    private final Map<String, PoolAdmission> pools;
    private final String objective;
    private final String flowId;
    /** The pool whose flow control let the request through; it is not checked again. */
    private PoolAdmission gate;
    private FlowController.Ticket ticket;
    private PoolAdmission rejectedBy;
    private Rejection rejection;
    private String message;

    RequestAdmission(Map<String, PoolAdmission> pools, HttpHeaders headers) {
        this.pools = pools;
        this.objective = headers.get(HeaderNames.INFERENCE_OBJECTIVE);
        String flow = headers.get(HeaderNames.INFERENCE_FAIRNESS_ID);
        this.flowId = flow == null || flow.isBlank() ? DEFAULT_FLOW
                : flow.length() > MAX_FLOW_ID ? flow.substring(0, MAX_FLOW_ID) : flow;
    }

    /** The first of the rule's pools (in backendRef order) with flow control on, or null. */
    PoolAdmission flowGate(RouteRule rule) {
        for (BackendRef ref : rule.backendRefs()) {
            PoolAdmission a = ref.pool() == null ? null : pools.get(ref.pool().name());
            if (a != null && a.flowControlled()) {
                return a;
            }
        }
        return null;
    }

    /** Submits the request to {@code gate}'s flow control; the listener hears the outcome (maybe at once). */
    void queue(PoolAdmission gate, long bytes, FlowController.Listener listener) {
        this.gate = gate;
        this.ticket = gate.submit(gate.priority(objective), flowId, bytes, listener);
    }

    /** Leaves the queue, if still in it (the client went away or the route timed out). */
    void cancel() {
        if (ticket != null) {
            ticket.cancel();
            ticket = null;
        }
    }

    /** The pool from this request's admission map, or null (a pool outside the configuration it started with). */
    PoolAdmission pool(String name) {
        return pools.get(name);
    }

    /** The request's priority at {@code pool} (0 without a known objective there). */
    int priority(PoolAdmission pool) {
        return pool == null ? 0 : pool.priority(objective);
    }

    /**
     * Legacy admission for one pool ref, just before its endpoints are picked: false (and the reason recorded)
     * when the pool has no endpoints, or is saturated and the request sheddable. Flow-controlled pools admit.
     */
    boolean admits(PoolConfig config, PoolAdmission pool, int priority) {
        if (pool == null ? config.endpoints().isEmpty() : pool.hasNoEndpoints()) {
            record(pool, Rejection.NO_ENDPOINTS, "InferencePool '" + config.name() + "' has no endpoints to serve"
                    + " the request.");
            return false;
        }
        if (pool == null || pool == gate || pool.flowControlled() || !pool.sheds(priority)) {
            return true;
        }
        record(pool, Rejection.SATURATED, "InferencePool '" + config.name() + "' is saturated and this request's"
                + " objective '" + objective + "' has priority " + priority + ", so it is sheddable; retry later,"
                + " or send it with an objective of priority 0 or more.");
        return false;
    }

    /** Records that the picker of {@code config}'s pool found no endpoint for the request, and why. */
    void noCandidates(PoolConfig config, PoolAdmission pool, String why) {
        record(pool, Rejection.NO_CANDIDATES, "No endpoint of InferencePool '" + config.name() + "' can serve this"
                + " request now (" + why + "); retry later.");
    }

    /** Records that {@code gate}'s flow control turned the request away. */
    void rejectedByQueue(PoolAdmission gate, Rejection why) {
        ticket = null;
        String pool = "InferencePool '" + gate.name() + "'";
        record(gate, why, switch (why) {
            case SATURATED -> pool + " is saturated and its flow control queue is full; retry later.";
            case TTL_EXPIRED -> "The request waited " + gate.requestTtl().toMillis() + " ms (defaultRequestTTL) in "
                    + pool + "'s queue while the pool stayed saturated; retry later.";
            case NO_ENDPOINTS -> pool + " has no endpoints to serve the request.";
            case NO_CANDIDATES -> pool + "'s picker found no endpoint for the request.";
        });
    }

    private void record(PoolAdmission pool, Rejection why, String text) {
        if (rejection == null) {
            rejectedBy = pool;
            rejection = why;
            message = text;
        }
    }

    /** Why a pool turned the request away, or null. */
    Rejection rejection() {
        return rejection;
    }

    /** The pool that turned it away (null when the pool is outside this request's configuration). */
    PoolAdmission rejectedBy() {
        return rejectedBy;
    }

    /**
     * The client's answer, in the OpenAI shape: 503 when the pool has no endpoints at all, else 429 (saturated,
     * TTL expired, or every endpoint filtered out, which the reference EPP also answers as resource exhausted).
     */
    ApiError error() {
        return rejection == Rejection.NO_ENDPOINTS ? ApiError.serverError(503, message) : ApiError.rateLimited(message);
    }

    /** The answer's headers: {@code Retry-After} and the dropped reason. */
    Map<String, String> headers() {
        return Map.of(HttpHeaderNames.RETRY_AFTER.toString(), Integer.toString(RETRY_AFTER_SECONDS),
                HeaderNames.REQUEST_DROPPED_REASON, rejection.reason);
    }
}
