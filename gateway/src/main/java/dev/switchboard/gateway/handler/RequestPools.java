package dev.switchboard.gateway.handler;

import dev.switchboard.core.config.BackendRef;
import dev.switchboard.core.config.RouteRule;
import dev.switchboard.core.error.ApiError;
import dev.switchboard.core.http.HeaderNames;
import dev.switchboard.gateway.routing.Attempt;
import dev.switchboard.picker.flowcontrol.Rejection;
import dev.switchboard.picker.pool.Decision;
import dev.switchboard.picker.pool.Endpoint;
import dev.switchboard.picker.pool.InferencePool;
import dev.switchboard.picker.pool.Lease;
import dev.switchboard.picker.pool.PoolRequest;
import dev.switchboard.picker.pool.Refusals;
import dev.switchboard.picker.pool.RequestSpec;
import dev.switchboard.picker.scheduling.PickRequest;
import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One request's dealings with the InferencePools of its rule, the exchange's one door to them: per pool ref, the
 * request's {@link PoolRequest} (its target model, priority, queue wait, pick, leases), which pool turned it away
 * and why, and that answer in the client's shape. Built from the pools of the configuration the request arrived
 * under. Confined to the request's event loop, like its {@link ProxyExchange}.
 */
final class RequestPools {
    /*
     * Where admission happens: a request waits (flow control) at the first of its rule's pools that has flow
     * control on, before its attempt plan is built, so that pool's endpoint picker runs at dispatch time, on
     * fresh metrics. Every other pool of the rule applies legacy admission as its turn in the plan comes: a
     * sheddable request is left out of a saturated pool's attempts; when that leaves no attempt at all, the
     * request gets that pool's 429. So a rule with a fallback backend sends sheddable traffic to the fallback
     * instead of dropping it.
     */

    /** Body bytes given to the picker for prefix affinity (256 blocks of 64 characters is the default reach). */
    static final int PROMPT_PREFIX_BYTES = 64 * 1024;

    private final Map<String, InferencePool> pools;
    private final HttpHeaders headers;
    private final RequestInfo info;
    private final ByteBuf body;
    /** By identity: two refs of a rule may be equal records. Created at the first pool ref. */
    private Map<BackendRef, PoolRequest> byRef;
    /** The request at the pool whose flow control it waits in (or waited in), or null. */
    private PoolRequest queued;
    /** What every pool of the rule reads alike, built at the first pool ref: the prompt and the headers. */
    private CharSequence prompt;
    private Map<String, String> lowerCaseHeaders;
    private String rejectedBy;
    private Rejection rejection;
    private String message;

    /** @param body the request body, read while picking (prompt prefix); owned by the exchange */
    RequestPools(Map<String, InferencePool> pools, HttpHeaders headers, RequestInfo info, ByteBuf body) {
        this.pools = pools;
        this.headers = headers;
        this.info = info;
        this.body = body;
    }

    /** The request at {@code ref}'s pool, created at first use. */
    private PoolRequest at(BackendRef ref) {
        if (byRef == null) {
            byRef = new IdentityHashMap<>(2);
        }
        PoolRequest r = byRef.get(ref);
        if (r == null) {
            r = pools.get(ref.pool().name()).request(spec(ref));
            byRef.put(ref, r);
        }
        return r;
    }

    private RequestSpec spec(BackendRef ref) {
        String received = ref.modelNameOverride() != null ? ref.modelNameOverride() : info.model();
        String rewrite = ref.trust().honorModelRewrite() ? headers.get(HeaderNames.MODEL_REWRITE) : null;
        int from = (int) Math.max(0, info.promptStart());
        if (prompt == null) {
            // the prompt's JSON (messages, prompt or input) from the body, as the reference EPP hashes it; bytes as
            // Latin-1 chars: hashing needs equality, not decoding, and only the first blocks are hashed anyway
            prompt = body.toString(from, Math.min(body.readableBytes() - from, PROMPT_PREFIX_BYTES),
                    StandardCharsets.ISO_8859_1);
            lowerCaseHeaders = lowerCaseHeaders();
        }
        long promptTokens = Math.max(0, body.readableBytes() - from) / PickRequest.CHARS_PER_TOKEN;
        return new RequestSpec(received, rewrite, headers.get(HeaderNames.INFERENCE_OBJECTIVE),
                headers.get(HeaderNames.INFERENCE_FAIRNESS_ID), prompt, promptTokens, lowerCaseHeaders,
                info.bodyBytes(), null);
    }

    /** The request's headers by lower-case name (the first value of each), as plugins read them. */
    private Map<String, String> lowerCaseHeaders() {
        Map<String, String> out = new HashMap<>(headers.size() * 2);
        for (Map.Entry<String, String> h : headers) {
            out.putIfAbsent(h.getKey().toLowerCase(Locale.ROOT), h.getValue());
        }
        return out;
    }

    /**
     * The request at the first of the rule's pools (in backendRef order) with flow control on, where it must wait
     * before its attempts are planned; null when none has.
     */
    PoolRequest flowGate(RouteRule rule) {
        for (BackendRef ref : rule.backendRefs()) {
            if (ref.pool() != null) {
                PoolRequest r = at(ref);
                if (r.flowControlled()) {
                    return r;
                }
            }
        }
        return null;
    }

    /** Waits in {@code gate}'s queue; the listener hears the outcome (maybe at once, maybe on another thread). */
    void queue(PoolRequest gate, PoolRequest.Listener listener) {
        queued = gate;
        gate.queue(listener);
    }

    /** Leaves the queue, if still in it (the client went away or the route timed out). */
    void cancel() {
        if (queued != null) {
            queued.cancel();
        }
    }

    /**
     * {@code ref}'s pool's endpoints for this request, the picker's choice first, then the other eligible ones as
     * fallbacks; empty (and the reason recorded) when the pool turns the request away.
     */
    List<Endpoint> order(BackendRef ref) {
        Decision d = at(ref).pick();
        if (d.rejected()) {
            record(ref.pool().name(), d.rejection(), d.message());
            return List.of();
        }
        if (d.fallbacks().isEmpty()) {
            return d.picked();
        }
        List<Endpoint> out = new ArrayList<>(d.picked().size() + d.fallbacks().size());
        out.addAll(d.picked());
        out.addAll(d.fallbacks());
        return out;
    }

    /** Records that {@code pool}'s queue turned the request away. */
    void rejectedByQueue(Rejection why, String text) {
        record(queued.pool().name(), why, text);
    }

    private void record(String pool, Rejection why, String text) {
        if (rejection == null) {
            rejectedBy = pool;
            rejection = why;
            message = text;
        }
    }

    /**
     * Attempt {@code a} starts: its share of its endpoint's load is counted until the returned lease is closed.
     * Null when {@code a} is not on a pool (or its endpoint left the pool).
     */
    Lease started(Attempt a) {
        return a.endpoint() == null ? null : at(a.ref()).started(a.endpoint());
    }

    /**
     * The model {@code a} sends instead of the client's, or null to send the body as it came: a pool's target
     * (which already accounts for the ref's modelNameOverride), else the ref's modelNameOverride.
     */
    String upstreamModel(Attempt a) {
        if (a.endpoint() == null) {
            return a.ref().modelNameOverride();
        }
        String target = at(a.ref()).model();
        return target.equals(info.model()) ? null : target;
    }

    /** Lets the pool profile's response-header plugins add their headers to the response {@code a}'s endpoint sent. */
    void addResponseHeaders(Attempt a, HttpHeaders out) {
        if (a.endpoint() != null) {
            at(a.ref()).addResponseHeaders(a.endpoint(), out::set);
        }
    }

    /** Why a pool turned the request away, or null. */
    Rejection rejection() {
        return rejection;
    }

    /** The name of the pool that turned it away. */
    String rejectedBy() {
        return rejectedBy;
    }

    /** The client's answer, in the OpenAI shape: 503 when the pool has no endpoints at all, else 429. */
    ApiError error() {
        return Refusals.error(rejection, message);
    }

    /** The answer's headers: {@code Retry-After} and the dropped reason. */
    Map<String, String> headers() {
        return Refusals.headers(rejection);
    }
}
