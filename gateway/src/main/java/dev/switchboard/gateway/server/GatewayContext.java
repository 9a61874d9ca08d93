package dev.switchboard.gateway.server;

import dev.switchboard.core.config.ListenerSettings;
import dev.switchboard.gateway.admin.AccessLog;
import dev.switchboard.gateway.admin.GatewayMetrics;
import dev.switchboard.gateway.handler.RequestBuffers;
import dev.switchboard.gateway.routing.OutlierDetector;
import dev.switchboard.gateway.upstream.UpstreamPool;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * What every request handler of one gateway shares: the current configuration (swapped whole on reload), the
 * upstream pools, passive health, metrics, the access log and the budget for buffered request bodies.
 */
public final class GatewayContext {
    private final AtomicReference<RuntimeConfig> config;
    /** The listener settings the gateway started with: they change only with a restart. */
    private final ListenerSettings listener;
    private final UpstreamPool pool;
    private final OutlierDetector outliers;
    private final GatewayMetrics metrics;
    private final AccessLog accessLog;
    /** The budget every buffered request body draws on. */
    private final RequestBuffers requestBuffers;
    /** Requests between routing and the end of their response. */
    private final AtomicInteger inFlight = new AtomicInteger();

    GatewayContext(RuntimeConfig initial, UpstreamPool pool, GatewayMetrics metrics, AccessLog accessLog,
            RequestBuffers requestBuffers) {
        this.config = new AtomicReference<>(initial);
        this.listener = initial.config().listener();
        this.requestBuffers = requestBuffers;
        this.pool = pool;
        this.outliers = new OutlierDetector(System::nanoTime);
        this.metrics = metrics;
        this.accessLog = accessLog;
    }

    public RuntimeConfig config() {
        return config.get();
    }

    /** The listener settings the gateway started with (a reload does not change them). */
    public ListenerSettings listener() {
        return listener;
    }

    void swap(RuntimeConfig next) {
        config.set(next);
    }

    public UpstreamPool pool() {
        return pool;
    }

    public OutlierDetector outliers() {
        return outliers;
    }

    public GatewayMetrics metrics() {
        return metrics;
    }

    public AccessLog accessLog() {
        return accessLog;
    }

    public RequestBuffers requestBuffers() {
        return requestBuffers;
    }

    public AtomicInteger inFlight() {
        return inFlight;
    }
}
