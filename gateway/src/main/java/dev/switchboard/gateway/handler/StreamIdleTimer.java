package dev.switchboard.gateway.handler;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;

/**
 * A route's {@code streamIdleTimeout} for one response that has started: fires once the upstream has sent nothing
 * for the whole timeout <em>while the gateway was reading from it</em>. Confined to the exchange's event loop.
 */
final class StreamIdleTimer {
    /*
     * What counts as silence: time since the upstream's last bytes, or since the gateway last resumed reading it,
     * whichever is later. While the client cannot take more (backpressure), the gateway stops reading the upstream
     * on purpose, so nothing the upstream does or does not send then is silence; the clock restarts when reading
     * resumes. The threshold never changes: a check that finds less silence than the timeout re-arms for the rest
     * of it (not for a shorter timeout).
     *
     * The timer only starts with the response (its head). Before that, the model server may be computing a long
     * non-streamed answer, or queueing a request behind others: only the route's request timeout bounds that wait,
     * so an answer in progress is never abandoned and generated again elsewhere.
     *
     * Cost: one scheduled task per check; activity only writes a field (no re-scheduling per chunk).
     */

    private final EventExecutor loop;
    private final long timeoutNanos;
    private final LongConsumer onSilence;
    private ScheduledFuture<?> check;
    private long quietSince;
    private boolean paused;
    private boolean stopped = true;

    /** {@code onSilence} receives how long the upstream was silent, in nanoseconds. */
    StreamIdleTimer(EventExecutor loop, long timeoutNanos, LongConsumer onSilence) {
        this.loop = loop;
        this.timeoutNanos = timeoutNanos;
        this.onSilence = onSilence;
    }

    /** The response started: silence counts from now. */
    void start(long now) {
        stopped = false;
        paused = false;
        quietSince = now;
        arm(timeoutNanos);
    }

    /** Bytes arrived from the upstream. */
    void activity(long now) {
        quietSince = now;
    }

    /** The gateway stopped reading the upstream because the client cannot take more. */
    void pause() {
        paused = true;
    }

    /** Reading resumed: silence counts from now again. */
    void resume(long now) {
        if (!paused) {
            return;
        }
        paused = false;
        quietSince = now;
        if (!stopped && check == null) {
            arm(timeoutNanos);
        }
    }

    void stop() {
        stopped = true;
        if (check != null) {
            check.cancel(false);
            check = null;
        }
    }

    private void arm(long delayNanos) {
        check = loop.schedule(this::check, delayNanos, TimeUnit.NANOSECONDS);
    }

    private void check() {
        check = null;
        if (stopped || paused) {
            return; // paused: resume() re-arms
        }
        long silent = System.nanoTime() - quietSince;
        if (silent >= timeoutNanos) {
            stopped = true;
            onSilence.accept(silent);
        } else {
            arm(timeoutNanos - silent);
        }
    }
}
