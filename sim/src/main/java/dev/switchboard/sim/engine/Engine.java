package dev.switchboard.sim.engine;

import dev.switchboard.core.kvevents.KvEvent;
import dev.switchboard.core.kvevents.KvEventBatch;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * One simulated model server's engine: a thread that runs {@link StepScheduler} steps in real time, divided by the
 * time scale. Requests come in from any thread through {@link #submit}.
 */
public final class Engine implements AutoCloseable {
    /*
     * Timing: each step sleeps until a deadline that advances by the step's modelled duration / time scale, so
     * oversleeping one step is paid back by the next instead of accumulating. After an idle period the deadline
     * restarts from now. With time scale 0 steps run back to back: the model still orders and batches the work, but
     * adds no latency, which measures the simulator's own overhead.
     */

    /** Deadlines further behind than this are reset to now instead of being caught up in a burst. */
    private static final long MAX_LAG_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

    private final EngineConfig config;
    private final StepScheduler scheduler;
    private final EngineMetrics metrics = new EngineMetrics();
    private final Queue<Sequence> inbox = new ConcurrentLinkedQueue<>();
    /** Requests submitted and not yet admitted: inbox plus the scheduler's waiting queue. */
    private final AtomicInteger queued = new AtomicInteger();
    private final Set<String> adapters = ConcurrentHashMap.newKeySet();
    private final Thread thread;
    private volatile EngineSnapshot snapshot = EngineSnapshot.EMPTY;
    private volatile boolean closed;
    /** Every step takes this many times its modelled duration: a slower GPU, or a server that slows down mid-run. */
    private volatile double slowdown = 1;
    /** Where each step's KV-cache events go, or null: set from any thread, read by the engine thread. */
    private volatile Consumer<KvEventBatch> kvEvents;

    public Engine(EngineConfig config, String name) {
        this.config = config;
        this.scheduler = new StepScheduler(config, metrics);
        this.thread = Thread.ofPlatform().name("sim-engine-" + name).daemon().unstarted(this::run);
        thread.start();
    }

    public EngineConfig config() {
        return config;
    }

    /**
     * Makes every step from now on take {@code factor} times its modelled duration (2: half as fast); 1 restores
     * the profile's speed. A heterogeneous pool in one process, and a speed change while traffic runs.
     */
    public void slowdown(double factor) {
        if (!(factor > 0) || Double.isInfinite(factor)) {
            throw new IllegalArgumentException("the slowdown must be a positive number, got " + factor);
        }
        slowdown = factor;
    }

    public double slowdown() {
        return slowdown;
    }

    /**
     * Hands every step's KV-cache events ({@code BlockStored}, {@code BlockRemoved}) to {@code sink}, on the engine
     * thread (so the sink must not block). Blocks cached before this call are not told.
     */
    public void publishKvEvents(Consumer<KvEventBatch> sink) {
        kvEvents = sink;
        LockSupport.unpark(thread);
    }

    public EngineMetrics metrics() {
        return metrics;
    }

    public EngineSnapshot snapshot() {
        return snapshot;
    }

    /**
     * Queues a request. Returns a handle to cancel it, or null when the waiting queue is full (the caller answers
     * 429).
     */
    public Handle submit(GenerationRequest request, SequenceListener listener) {
        if (closed || queued.incrementAndGet() > config.maxWaiting() + config.maxNumSeqs() - snapshot.running()) {
            queued.decrementAndGet();
            return null;
        }
        Sequence s = new Sequence(request, listener, System.nanoTime());
        inbox.add(s);
        LockSupport.unpark(thread);
        return new Handle(s);
    }

    /** LoRA adapters this server knows (loaded with {@code /v1/load_lora_adapter} or at start). */
    public Set<String> adapters() {
        return adapters;
    }

    @Override
    public void close() {
        closed = true;
        LockSupport.unpark(thread);
    }

    private void run() {
        long deadline = System.nanoTime();
        while (!closed) {
            if (kvEvents != null && scheduler.kv.events == null) {
                scheduler.kv.events = new KvEventLog(scheduler.kv.blockSize);
            }
            drainInbox();
            long now = System.nanoTime();
            boolean work = scheduler.plan(now);
            queued.set(inbox.size() + scheduler.waitingCount());
            if (!work) {
                publish();
                if (inbox.isEmpty() && !closed) {
                    LockSupport.parkNanos(this, TimeUnit.MILLISECONDS.toNanos(100));
                }
                deadline = System.nanoTime();
                continue;
            }
            long step = scheduler.stepNanos();
            if (config.timeScale() > 0) {
                deadline = Math.max(deadline, now - MAX_LAG_NANOS) + (long) (step * slowdown / config.timeScale());
                sleepUntil(deadline);
            }
            scheduler.complete(System.nanoTime());
            publish();
            publishKvEvents();
        }
    }

    private void publishKvEvents() {
        Consumer<KvEventBatch> sink = kvEvents;
        if (sink == null) {
            return;
        }
        List<KvEvent> events = scheduler.kv.events.drain();
        if (!events.isEmpty()) {
            sink.accept(new KvEventBatch(System.currentTimeMillis() / 1000.0, events, -1));
        }
    }

    private void drainInbox() {
        for (Sequence s; (s = inbox.poll()) != null; ) {
            scheduler.add(s);
        }
    }

    private void publish() {
        snapshot = new EngineSnapshot(scheduler.running.size(), queued.get(), scheduler.kv.usage(),
                List.copyOf(scheduler.loras.active()), List.copyOf(scheduler.waitingAdapters()),
                System.currentTimeMillis() / 1000.0);
    }

    private void sleepUntil(long deadline) {
        for (long left; (left = deadline - System.nanoTime()) > 0 && !closed; ) {
            LockSupport.parkNanos(this, left);
        }
    }

    /** A submitted request; {@link #cancel} drops it at the engine's next step (the client went away). */
    public static final class Handle {
        private final Sequence sequence;

        Handle(Sequence sequence) {
            this.sequence = sequence;
        }

        public void cancel() {
            sequence.cancelled = true;
        }
    }
}
