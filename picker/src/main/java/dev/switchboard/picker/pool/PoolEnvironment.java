package dev.switchboard.picker.pool;

import dev.switchboard.picker.flowcontrol.FlowController;
import java.util.function.LongSupplier;

/**
 * What pools run on, injected so the pool stays free of any I/O framework and tests can drive it: where metrics
 * pages come from, a scheduler for flow control's ticks, a monotonic clock in nanoseconds (metrics freshness,
 * queue TTLs), and what the pools share with other replicas ({@link SharedPoolState#NONE}: nothing).
 */
public record PoolEnvironment(MetricsSource metrics, FlowController.Scheduler scheduler, LongSupplier nanoClock,
        SharedPoolState sharing) {
    /** An environment that shares nothing with other replicas. */
    public PoolEnvironment(MetricsSource metrics, FlowController.Scheduler scheduler, LongSupplier nanoClock) {
        this(metrics, scheduler, nanoClock, SharedPoolState.NONE);
    }

    /** This environment, sharing through {@code sharing}. */
    public PoolEnvironment withSharing(SharedPoolState sharing) {
        return new PoolEnvironment(metrics, scheduler, nanoClock, sharing);
    }
}
