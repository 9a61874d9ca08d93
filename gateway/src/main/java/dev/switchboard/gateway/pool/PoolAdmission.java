package dev.switchboard.gateway.pool;

import dev.switchboard.core.config.PoolConfig;
import dev.switchboard.picker.config.EndpointPickerConfig;
import dev.switchboard.picker.flowcontrol.FlowController;
import dev.switchboard.picker.flowcontrol.SaturationDetector;
import io.netty.channel.EventLoop;
import java.util.concurrent.TimeUnit;

/**
 * One InferencePool's admission: the priority of a request's objective, the saturation detector, and either
 * legacy shedding (flow control off, the default: a sheddable request is dropped while the pool is saturated) or
 * the pool's flow control queue. Thread-safe: every request to the pool asks it, from its own event loop.
 */
public final class PoolAdmission implements AutoCloseable {
    private final PoolConfig config;
    private final PoolRuntime pool;
    private final SaturationDetector detector;
    private final FlowController flow;
    private final java.time.Duration ttl;

    /**
     * @param tickLoop the event loop that runs the flow control ticks (only used with flow control on)
     */
    public PoolAdmission(PoolConfig config, PoolRuntime pool, EndpointPickerConfig picker, EventLoop tickLoop) {
        this.config = config;
        this.pool = pool;
        this.detector = picker.saturationDetector();
        this.flow = picker.flowControlEnabled()
                ? new FlowController(picker.flowControl(), detector, pool::states,
                        (task, delayNanos) -> tickLoop.schedule(task, delayNanos, TimeUnit.NANOSECONDS), System::nanoTime)
                : null;
        this.ttl = picker.flowControlEnabled() ? picker.flowControl().defaultRequestTTL() : null;
    }

    /** Whether the pool has no endpoints now (its members change with its endpoints files). */
    public boolean hasNoEndpoints() {
        return pool.isEmpty();
    }

    public String name() {
        return config.name();
    }

    /** The priority of a request naming {@code objective} (null: none): the objective's for this pool, else 0. */
    public int priority(String objective) {
        return config.priority(objective);
    }

    /** Whether requests wait in this pool's flow control queue while it is saturated. */
    public boolean flowControlled() {
        return flow != null;
    }

    /** Legacy admission: whether a request of {@code priority} is dropped now (sheddable, pool saturated). */
    public boolean sheds(int priority) {
        return priority < 0 && detector.saturated(pool.states());
    }

    /** The pool's saturation now, per its detector. */
    public double saturation() {
        return detector.saturation(pool.states());
    }

    /**
     * Flow control: dispatches, queues or rejects a request (see {@link FlowController#submit}).
     *
     * @throws IllegalStateException when flow control is off for this pool
     */
    public FlowController.Ticket submit(int priority, String flowId, long bytes, FlowController.Listener listener) {
        if (flow == null) {
            throw new IllegalStateException("flow control is off for InferencePool " + name());
        }
        return flow.submit(priority, flowId, bytes, listener);
    }

    /** A request to this pool ended: flow control may dispatch a queued one. */
    public void requestEnded() {
        if (flow != null) {
            flow.requestEnded();
        }
    }

    /** How long a request may wait in the queue (zero: no limit), or null without flow control. */
    public java.time.Duration requestTtl() {
        return flow == null ? null : ttl;
    }

    /** Requests waiting in the queue now (0 without flow control). */
    public int queued() {
        return flow == null ? 0 : flow.queued();
    }

    /** Dispatches whatever is still queued (requests finish on the configuration they started with). */
    @Override
    public void close() {
        if (flow != null) {
            flow.close();
        }
    }
}
