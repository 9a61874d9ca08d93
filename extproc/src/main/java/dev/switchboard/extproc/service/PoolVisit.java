package dev.switchboard.extproc.service;

import dev.switchboard.picker.flowcontrol.Rejection;
import dev.switchboard.picker.pool.Endpoint;
import dev.switchboard.picker.pool.InferencePool;
import dev.switchboard.picker.pool.Lease;
import dev.switchboard.picker.pool.PoolRequest;
import dev.switchboard.picker.pool.Refusals;

/**
 * One request's visit to its pool, from the pick to the end of the response: the pool's request object, and the
 * lease that counts it in flight on the endpoint that serves it (moved when Envoy reports that a retry went to
 * another one). Confined to the stream's executor.
 */
final class PoolVisit {
    private final InferencePool pool;
    private final PoolRequest request;
    private final boolean streamed;
    private Lease lease;
    private boolean queued;

    /** {@code streamed}: the answer is a stream, so the time to its first bytes is the time to its first token. */
    PoolVisit(InferencePool pool, PoolRequest request, boolean streamed) {
        this.pool = pool;
        this.request = request;
        this.streamed = streamed;
    }

    InferencePool pool() {
        return pool;
    }

    PoolRequest request() {
        return request;
    }

    /** Waits in flow control; the listener hears the verdict once. */
    void queue(PoolRequest.Listener listener) {
        queued = true;
        request.queue(listener);
    }

    /** The verdict came: no longer in the queue. */
    void dequeued() {
        queued = false;
    }

    /** The request goes to {@code e}: in flight there until {@link #end}. */
    void started(Endpoint e) {
        lease = request.started(e);
    }

    /** The endpoint counting the request now, or null. */
    Endpoint endpoint() {
        return lease == null ? null : lease.endpoint();
    }

    /**
     * Envoy says {@code address} served the response: when that is another member than the one leased (a retry
     * went down the fallback list), the request is counted there from now on.
     */
    void servedBy(String address) {
        if (lease == null || address == null || address.equals(lease.endpoint().address())) {
            return;
        }
        Endpoint served = pool.endpoint(address);
        if (served != null) {
            lease.close();
            lease = request.started(served);
        }
    }

    /** The response's first bytes arrived. */
    void firstToken() {
        if (lease != null && streamed) {
            lease.firstToken();
        } else if (lease != null) {
            lease.prefilled();
        }
    }

    /** The answer's usage: {@code cachedTokens} of its {@code promptTokens} from the endpoint's cache (-1: unsaid). */
    void usage(long promptTokens, long cachedTokens) {
        if (lease != null) {
            lease.usage(promptTokens, cachedTokens);
        }
    }

    /** An ORCA load report from the response headers. */
    void loadReport(String header) {
        if (lease != null && header != null) {
            lease.loadReport(header);
        }
    }

    /** The request is over (response complete, stream gone): out of the queue, out of flight. Idempotent. */
    void end() {
        if (queued) {
            request.cancel();
            queued = false;
        }
        if (lease != null) {
            lease.close();
        }
    }

    /**
     * The client's answer to a refusal: 503 for a pool with no (eligible) endpoints, else 429; Retry-After and the
     * reason in the dropped-reason header, as the reference EPP does.
     */
    static RequestRejected rejection(Rejection why, String message) {
        return new RequestRejected(Refusals.error(why, message), Refusals.headers(why));
    }
}
