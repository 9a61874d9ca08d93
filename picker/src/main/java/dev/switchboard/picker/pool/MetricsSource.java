package dev.switchboard.picker.pool;

import java.util.function.Consumer;

/**
 * Where a pool's endpoints' metrics pages come from. The gateway and the ext_proc server poll each endpoint's
 * {@code /metrics} over HTTP (transport's {@code HttpPoller}); tests hand pages in directly.
 */
@FunctionalInterface
public interface MetricsSource {
    /** Reads no metrics: every endpoint's load stays unknown (the pool then relies on its own in-flight counts). */
    MetricsSource NONE = (endpoint, intervalNanos, pages) -> () -> {};

    /**
     * Starts reading {@code endpoint}'s metrics about every {@code intervalNanos}, handing each page (Prometheus
     * text) to {@code pages}, from any one thread at a time; closing the handle stops it.
     */
    AutoCloseable poll(Endpoint endpoint, long intervalNanos, Consumer<byte[]> pages);
}
