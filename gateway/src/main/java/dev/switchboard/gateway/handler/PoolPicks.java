package dev.switchboard.gateway.handler;

import dev.switchboard.core.config.BackendRef;
import dev.switchboard.gateway.pool.PoolRuntime;
import dev.switchboard.gateway.routing.Attempt;
import dev.switchboard.picker.pool.Endpoint;
import dev.switchboard.picker.scheduling.PickRequest;
import dev.switchboard.picker.scheduling.ResponseHeaderProcessor;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.IdentityHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the endpoint picker was asked for one request, per InferencePool ref of its rule (usually one): the model the
 * pool serves it as, sent upstream in the body, and the pool profile whose response-header plugins see the response.
 * Lives and is used on the request's event loop.
 */
final class PoolPicks {
    private static final Logger LOG = LoggerFactory.getLogger(PoolPicks.class);

    private record Pick(PickRequest request, PoolRuntime pool) {}

    /** By identity: two refs of a rule may be equal records. Created at the first pool pick. */
    private Map<BackendRef, Pick> picks;

    /** Keeps {@code request} (whose model is the pool's target) for {@code ref}'s attempts; returns it. */
    PickRequest remember(BackendRef ref, PickRequest request, PoolRuntime pool) {
        if (picks == null) {
            picks = new IdentityHashMap<>(2);
        }
        picks.put(ref, new Pick(request, pool));
        return request;
    }

    /**
     * Attempt {@code a} starts: its share of its endpoint's load is counted in the pool the pick was made in, until
     * the returned lease is closed. Null when {@code a} is not on a pool.
     */
    PoolRuntime.Lease started(Attempt a) {
        Pick p = picks == null ? null : picks.get(a.ref());
        return p == null ? null : p.pool().started(a.upstream(), p.request());
    }

    /**
     * The model {@code a} sends instead of the client's, or null to send the body as it came: a pool's target
     * (which already accounts for the ref's modelNameOverride), else the ref's modelNameOverride.
     */
    String upstreamModel(Attempt a, String clientModel) {
        Pick p = picks == null ? null : picks.get(a.ref());
        if (p == null) {
            return a.ref().modelNameOverride();
        }
        return p.request().model().equals(clientModel) ? null : p.request().model();
    }

    /**
     * Lets the pool profile's response-header plugins add their headers to the response {@code a}'s endpoint sent
     * (e.g. {@code x-session-token} for that endpoint). Nothing to do, and no lookup, when the profile has none.
     */
    void addResponseHeaders(Attempt a, HttpHeaders headers) {
        Pick p = picks == null ? null : picks.get(a.ref());
        if (p == null || p.pool().profile().responseHeaderProcessors().isEmpty()) {
            return;
        }
        Endpoint served = p.pool().endpoint(a.upstream());
        if (served == null) {
            return;
        }
        for (ResponseHeaderProcessor processor : p.pool().profile().responseHeaderProcessors()) {
            try {
                processor.processResponseHeaders(p.request(), served, headers::set);
            } catch (RuntimeException e) { // a plugin's bug must not fail a response that arrived fine
                LOG.warn("response-header plugin {} failed: {}", processor.typedName(), e.toString());
            }
        }
    }
}
