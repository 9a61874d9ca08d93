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
 *
 * <p>Across a configuration reload the queue outlives the admission: the new admission of a pool whose running
 * state and picker configuration were kept shares the previous one's {@link FlowController}; otherwise the previous
 * one hands its waiting requests over ({@link #handOver}). Only a pool that is gone rejects them ({@link #close}).
 */
public final class PoolAdmission implements AutoCloseable {
    private final PoolConfig config;
    private final PoolRuntime pool;
    private final EndpointPickerConfig picker;
    private final SaturationDetector detector;
    private final FlowController flow;
    private final java.time.Duration ttl;
    /** Whether the next configuration's admission took this one's queue over (or shares it); then close leaves it. */
    private volatile boolean handedOver;

    /**
     * @param tickLoop the event loop that runs the flow control ticks (only used with flow control on)
     * @param previous the same pool's admission in the configuration this one replaces, or null; when it has the
     *                 same running pool and picker configuration, this one keeps its flow control queue
     */
    public PoolAdmission(PoolConfig config, PoolRuntime pool, EndpointPickerConfig picker, EventLoop tickLoop,
            PoolAdmission previous) {
        this.config = config;
        this.pool = pool;
        this.picker = picker;
        this.detector = picker.saturationDetector();
        boolean sameQueue = previous != null && previous.flow != null && previous.pool == pool && previous.picker == picker;
        this.flow = !picker.flowControlEnabled() ? null : sameQueue ? previous.flow
                : new FlowController(picker.flowControl(), detector, pool::states,
                        (task, delayNanos) -> tickLoop.schedule(task, delayNanos, TimeUnit.NANOSECONDS), System::nanoTime);
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

    /**
     * The configuration this admission belongs to is being replaced by one that keeps the pool, with {@code next}
     * as its admission, not serving yet: requests waiting here go on waiting there, in order. When {@code next}
     * shares this queue nothing moves; when its flow control settings differ they move into its queue; when it has
     * flow control off they are released, as its new arrivals will be. Call once, before {@code next} serves.
     */
    public void handOver(PoolAdmission next) {
        if (flow != null && next.flow != flow) {
            if (next.flow != null) {
                flow.handOver(next.flow);
            } else {
                flow.release();
            }
        }
        handedOver = true;
    }

    /**
     * The pool is gone (removed by a reload, or the gateway is shutting down): requests still waiting are turned
     * away (503, {@code rejected-no-endpoints}) rather than sent all at once to a saturated pool. Does nothing
     * after {@link #handOver}.
     */
    @Override
    public void close() {
        if (flow != null && !handedOver) {
            flow.close();
        }
    }
}
