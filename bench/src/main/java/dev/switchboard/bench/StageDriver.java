package dev.switchboard.bench;

import dev.switchboard.bench.client.ErrorKind;
import dev.switchboard.bench.client.HttpClient;
import dev.switchboard.bench.client.InferenceExchange;
import dev.switchboard.bench.client.Origin;
import dev.switchboard.bench.client.RequestResult;
import dev.switchboard.bench.report.StageRecorder;
import dev.switchboard.bench.scenario.LoadStage;
import dev.switchboard.bench.scenario.RequestSpec;
import dev.switchboard.bench.scenario.Workload;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.FullHttpRequest;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Applies one stage's load on the event loop until a bound is hit, then waits for the requests in flight.
 */
final class StageDriver {
    /*
     * Problem: issue requests at a target rate (open loop) or concurrency (closed loop) from one thread, with
     * arrival times that do not drift when the loop is late, and stop cleanly at the first bound.
     * Approach: both load models hand out "slots"; a slot is a permission to send one request as soon as the
     * workload has one ready. Open loop: arrivals are Poisson (exponential gaps drawn from the seeded stream)
     * at absolute target times; the timer is armed for the next target time, and when it fires late every
     * overdue arrival gets its slot at once, so lateness never accumulates into a lower rate. Closed loop: the
     * stage starts with `concurrency` slots and each finished request returns its slot. A multi-turn workload
     * may have no request ready; the slot then waits for the conversation that finishes next.
     * The stage stops issuing at its request cap, its deadline (stage duration, or the run's), or when the
     * workload is exhausted; the requests in flight are awaited (each bounded by the request timeout) and
     * recorded in this stage. Coordinated omission: open-loop latency is measured from the moment a request is
     * written, which is its arrival time unless a new connection had to be opened first.
     * Concurrency: everything runs on the client's event loop; start() may be called from any thread.
     * Cost: one timer per arrival (open loop), one per stage deadline.
     */

    private final HttpClient client;
    private final EventLoop loop;
    private final Target target;
    private final RequestEncoder encoder;
    private final Workload workload;
    private final LoadStage stage;
    private final long cap;
    private final long deadlineNanos;
    private final long timeoutNanos;
    private final StageRecorder recorder;
    private final StageRecorder overall;
    private final RunProgress progress;
    private final SplittableRandom arrivals;
    private final CompletableFuture<Void> finished = new CompletableFuture<>();
    private long issued;
    private long inFlight;
    private long slots;
    private long nextArrivalNanos;
    private boolean stopping;
    private boolean dispatching;
    private ScheduledFuture<?> arrivalTimer;
    private ScheduledFuture<?> deadlineTimer;

    /**
     * @param cap           most requests to issue
     * @param deadlineNanos stop issuing at this {@link System#nanoTime()}, or {@link Long#MAX_VALUE}
     * @param arrivals      random stream for Poisson gaps (open loop)
     */
    StageDriver(HttpClient client, Target target, RequestEncoder encoder, Workload workload, LoadStage stage, long cap,
            long deadlineNanos, long timeoutNanos, StageRecorder recorder, StageRecorder overall, RunProgress progress,
            SplittableRandom arrivals) {
        this.client = client;
        this.loop = client.loop();
        this.target = target;
        this.encoder = encoder;
        this.workload = workload;
        this.stage = stage;
        this.cap = cap;
        this.deadlineNanos = deadlineNanos;
        this.timeoutNanos = timeoutNanos;
        this.recorder = recorder;
        this.overall = overall;
        this.progress = progress;
        this.arrivals = arrivals;
    }

    /** Starts the stage on the loop; the future completes there once the last request of the stage ended. */
    CompletableFuture<Void> start() {
        loop.execute(this::begin);
        return finished;
    }

    /** Requests issued; read after {@link #start()}'s future completed. */
    long issued() {
        return issued;
    }

    private void begin() {
        long now = System.nanoTime();
        recorder.start(now);
        overall.start(now);
        if (deadlineNanos != Long.MAX_VALUE) {
            deadlineTimer = loop.schedule(this::stopIssuing, Math.max(0, deadlineNanos - now), TimeUnit.NANOSECONDS);
        }
        if (stage.openLoop()) {
            nextArrivalNanos = now + gapNanos();
            armArrival();
        } else {
            slots = stage.concurrency();
        }
        dispatch();
    }

    private void arrive() {
        arrivalTimer = null;
        if (stopping) {
            return;
        }
        long now = System.nanoTime();
        while (nextArrivalNanos <= now && issued + slots < cap) {
            slots++;
            nextArrivalNanos += gapNanos();
        }
        dispatch();
        armArrival();
    }

    private void armArrival() {
        if (!stopping && issued + slots < cap) {
            arrivalTimer = loop.schedule(this::arrive, Math.max(0, nextArrivalNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
        }
    }

    /** An exponential gap for a Poisson process at the stage's rate. */
    private long gapNanos() {
        return (long) (-Math.log(1 - arrivals.nextDouble()) / stage.rate() * 1e9);
    }

    private void dispatch() {
        if (dispatching) {
            return; // re-entered from a request that ended synchronously: the loop below picks its slot up
        }
        dispatching = true;
        try {
            // The deadline check matters only when requests fail synchronously: the deadline timer cannot run then.
            while (slots > 0 && !stopping && issued < cap && System.nanoTime() < deadlineNanos) {
                RequestSpec spec = workload.next();
                if (spec == null) {
                    break;
                }
                slots--;
                issue(spec);
            }
        } finally {
            dispatching = false;
        }
        if (!stopping && (issued >= cap || workload.exhausted())) {
            stopIssuing();
        }
    }

    private void issue(RequestSpec spec) {
        issued++;
        inFlight++;
        progress.inFlight.incrementAndGet();
        InferenceExchange exchange = new InferenceExchange(spec.wantsReply(), r -> completed(spec, r));
        FullHttpRequest request;
        Origin to = target.origin(issued - 1);
        try {
            request = encoder.encode(spec, to);
        } catch (RuntimeException e) {
            exchange.onFailure(ErrorKind.PROTOCOL, "cannot encode the request: " + e.getMessage());
            return;
        }
        client.send(to, request, exchange, timeoutNanos);
    }

    private void completed(RequestSpec spec, RequestResult r) {
        inFlight--;
        progress.inFlight.decrementAndGet();
        recorder.record(r);
        overall.record(r);
        (r.ok() ? progress.ok : progress.failed).incrementAndGet();
        workload.completed(spec, r.ok() ? r.reply() : null);
        if (!stage.openLoop()) {
            slots++;
        }
        dispatch();
        maybeFinish();
    }

    private void stopIssuing() {
        if (stopping) {
            return;
        }
        stopping = true;
        cancel(arrivalTimer);
        cancel(deadlineTimer);
        arrivalTimer = null;
        deadlineTimer = null;
        maybeFinish();
    }

    private void maybeFinish() {
        if (stopping && inFlight == 0 && !finished.isDone()) {
            long now = System.nanoTime();
            recorder.end(now);
            overall.end(now);
            finished.complete(null);
        }
    }

    private static void cancel(ScheduledFuture<?> timer) {
        if (timer != null) {
            timer.cancel(false);
        }
    }
}
