package dev.switchboard.picker.pool;

import dev.switchboard.picker.flowcontrol.FlowController;
import java.util.function.LongSupplier;

/**
 * What pools run on, injected so the pool stays free of any I/O framework and tests can drive it: where metrics
 * pages come from, a scheduler for flow control's ticks, and a monotonic clock in nanoseconds (metrics freshness,
 * queue TTLs).
 */
public record PoolEnvironment(MetricsSource metrics, FlowController.Scheduler scheduler, LongSupplier nanoClock) {
}
