package dev.switchboard.extproc.service;

import dev.switchboard.extproc.ExtProcSettings;
import dev.switchboard.extproc.admin.ExtProcMetrics;
import dev.switchboard.picker.pool.InferencePools;
import java.util.function.LongSupplier;

/**
 * What every stream of one server shares: the pools, how a stream chooses one, the limits, the metrics, the
 * clock, the base models of body-based routing and the AIServiceBackends translated for (both replaced on reload).
 */
public final class ProcessorContext {
    private final InferencePools pools;
    private final ExtProcSettings settings;
    private final PoolSelector selector;
    private final ExtProcMetrics metrics;
    private final LongSupplier nanoClock;
    private volatile BaseModels baseModels = BaseModels.NONE;
    private volatile BackendRoutes backendRoutes = BackendRoutes.NONE;

    public ProcessorContext(InferencePools pools, ExtProcSettings settings, ExtProcMetrics metrics,
            LongSupplier nanoClock) {
        this.pools = pools;
        this.settings = settings;
        this.selector = new PoolSelector(settings.defaultPool(), settings.bodyBasedRouting());
        this.metrics = metrics;
        this.nanoClock = nanoClock;
    }

    InferencePools pools() {
        return pools;
    }

    ExtProcSettings settings() {
        return settings;
    }

    PoolSelector selector() {
        return selector;
    }

    ExtProcMetrics metrics() {
        return metrics;
    }

    long nanoTime() {
        return nanoClock.getAsLong();
    }

    BaseModels baseModels() {
        return baseModels;
    }

    /** The routes, backends and governance new streams start under. */
    public BackendRoutes backendRoutes() {
        return backendRoutes;
    }

    /** Replaces the routes and backends translated for (on a configuration change); returns the old ones to close. */
    public BackendRoutes backendRoutes(BackendRoutes routes) {
        BackendRoutes old = backendRoutes;
        backendRoutes = routes;
        return old;
    }

    /** Replaces the base models (on a configuration change). */
    public void baseModels(BaseModels models) {
        this.baseModels = models;
    }
}
