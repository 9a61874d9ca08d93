package dev.switchboard.picker.flowcontrol;

import dev.switchboard.picker.scheduling.EndpointState;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * One pool's flow control: requests wait here, in the gateway, while the pool is saturated, and go to the pool in
 * order as it frees up, instead of piling up in the model servers' own queues where priority means nothing.
 */
public final class FlowController implements AutoCloseable {
    /*
     * Problem: when a pool is saturated, serve the most important waiting request first, share the pool fairly
     * between tenants of the same importance, bound the wait and the memory, and cost nothing when nobody waits.
     *
     * Approach (the reference EPP's flow control, reduced to its default policies):
     * - Order: priority bands, highest priority first (strict: a lower band only when every higher one is empty);
     *   within a band, flows keyed by fairness id, served round-robin (or global FCFS); within a flow, FCFS.
     *   Round-robin keeps the flows with waiting requests in a rotation deque: the served flow goes to the back.
     * - Dispatch: one request per dispatch cycle, and only while the saturation detector says the pool is below
     *   1.0. A cycle runs when a request arrives at a non-empty queue, when a request to the pool ends, and on a
     *   tick every TICK_NANOS while the queue holds anything (metrics change with each scrape, every 50 ms). One
     *   per cycle because the detector only sees a dispatched request once its attempt has started: dispatching
     *   a whole backlog on one cycle would overshoot the pool exactly as if there were no queue.
     * - Rejection: a full queue (global or band maxRequests / maxBytes) rejects at once (rejected-saturated); a
     *   request older than defaultRequestTTL is rejected by the tick (rejected-ttl-expired); a pool without
     *   endpoints rejects at once (its members are fixed by the configuration, so waiting cannot help).
     * - Reload: a queue outlives a configuration that keeps its pool. Same flow control settings: the gateway keeps
     *   this controller, queue and all. Changed settings: the new configuration's controller takes the waiting
     *   requests over (handOver), in order, with their arrival times (the TTL counts from arrival; the new limits
     *   apply to arrivals after it), and this one forwards to it whatever still reaches it through the old
     *   configuration (late submits, request ends, cancels). Flow control switched off: the waiting requests are
     *   released (release), since without a queue they are what a new arrival is, sent straight on.
     * - Close (the pool is removed, or the gateway shuts down): the waiting requests are rejected with
     *   rejected-no-endpoints, and so is any later submit. Not dispatched: releasing the backlog onto a saturated
     *   pool at once is the very overshoot the queue exists to prevent, and after a removal nothing routes there;
     *   a request that waited has sent nothing anywhere, so its client can retry safely and the retry follows the
     *   configuration in force.
     *
     * Concurrency: requests arrive on several event loops. The fast path (nothing queued and the pool below
     * saturation) reads one atomic counter and the detector, and takes no lock. Everything else (the queue
     * structure, capacity, ticks) is guarded by one lock per pool, held for O(bands + flows) at most. Listeners
     * are called after the lock is released, from whichever thread decided: they must hand the request back to
     * its own event loop. A handover holds this controller's lock and then the next one's; nothing takes them the
     * other way round, and forwarding (submit, request end, cancel) happens after this one's lock is released.
     *
     * Cost: O(1) enqueue and round-robin dispatch; O(flows) for global-strict selection and the TTL sweep;
     * cancellation is O(flow length) (rare: a client that gave up).
     *
     * References: llm-d-router pkg/epp/flowcontrol (README, controller/internal/processor.go, registry/config.go).
     */

    /** How often a non-empty queue is re-checked: well inside the 50 ms scrape interval. */
    public static final long TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(5);

    /** Hears a queued request's outcome, exactly once. */
    public interface Listener {
        /** The request may go to the pool now. */
        void dispatched();

        /** The request must be answered with an error; it was never sent anywhere. */
        void rejected(Rejection why);
    }

    /** Runs a task later, on any thread (an event loop in the gateway). */
    @FunctionalInterface
    public interface Scheduler {
        void schedule(Runnable task, long delayNanos);
    }

    /** A request's place in the queue. */
    public interface Ticket {
        /** Removes the request if it is still queued (its listener is then never called); false otherwise. */
        boolean cancel();
    }

    private static final Ticket DONE = () -> false;

    private final FlowControlConfig config;
    private final SaturationDetector detector;
    private final Supplier<List<EndpointState>> endpoints;
    private final Scheduler scheduler;
    private final LongSupplier nanoClock;

    private final ReentrantLock lock = new ReentrantLock();
    /** Queued requests; read without the lock by the fast path, written under it. */
    private final AtomicInteger queued = new AtomicInteger();
    /** Bands by priority, highest first. Guarded by lock, as is everything below. */
    private final TreeMap<Integer, Band> bands = new TreeMap<>(Comparator.reverseOrder());
    private long queuedBytes;
    private long sequence;
    private boolean ticking;
    /** Changed under the lock; read without it by the fast paths. */
    private volatile State state = State.OPEN;
    /** The controller this one handed its queue to (state HANDED_OVER), else null. */
    private volatile FlowController successor;

    /** Where a controller is in its life: serving, or what it does with requests that still reach it. */
    private enum State {
        /** Queues and dispatches. */
        OPEN,
        /** Forwards everything to {@link #successor}. */
        HANDED_OVER,
        /** Dispatches every request at once (flow control is off for the pool now). */
        RELEASED,
        /** Rejects every request (the pool is gone). */
        CLOSED
    }

    /**
     * @param endpoints the pool's endpoints as the data layer sees them now (read on every decision)
     * @param scheduler runs the ticks
     * @param nanoClock monotonic time, for the TTL
     */
    public FlowController(FlowControlConfig config, SaturationDetector detector, Supplier<List<EndpointState>> endpoints,
            Scheduler scheduler, LongSupplier nanoClock) {
        this.config = config;
        this.detector = detector;
        this.endpoints = endpoints;
        this.scheduler = scheduler;
        this.nanoClock = nanoClock;
    }

    /**
     * Admits a request: dispatches it now when nothing waits and the pool is not saturated, rejects it when the
     * queue is full or the pool has no endpoints, and queues it otherwise. The listener may be called before this
     * method returns.
     *
     * @param priority the request's objective priority (higher first)
     * @param flowId   its fairness id
     * @param bytes    its size, for maxBytes
     */
    public Ticket submit(int priority, String flowId, long bytes, Listener listener) {
        if (queued.get() == 0 && state == State.OPEN) {
            List<EndpointState> now = endpoints.get();
            if (!now.isEmpty() && !detector.saturated(now)) {
                listener.dispatched();
                return DONE;
            }
        }
        List<Runnable> outcomes = new ArrayList<>(2);
        Item item = null;
        FlowController forward = null;
        lock.lock();
        try {
            List<EndpointState> now = endpoints.get();
            if (state == State.HANDED_OVER) {
                forward = successor;
            } else if (state == State.RELEASED) {
                outcomes.add(listener::dispatched);
            } else if (state == State.CLOSED) {
                outcomes.add(() -> listener.rejected(Rejection.NO_ENDPOINTS));
            } else if (now.isEmpty()) {
                outcomes.add(() -> listener.rejected(Rejection.NO_ENDPOINTS));
            } else {
                Band band = bands.computeIfAbsent(priority, p -> new Band(config.band(p)));
                if (!fits(band, bytes)) {
                    outcomes.add(() -> listener.rejected(Rejection.SATURATED));
                } else {
                    item = new Item(flowId, bytes, nanoClock.getAsLong(), sequence++, listener, band);
                    band.add(item);
                    queuedBytes += bytes;
                    queued.incrementAndGet();
                    dispatchOne(now, outcomes);
                    armTick();
                }
            }
        } finally {
            lock.unlock();
        }
        if (forward != null) {
            return forward.submit(priority, flowId, bytes, listener);
        }
        run(outcomes);
        return item != null ? item : DONE;
    }

    /** A request to the pool ended: its capacity may go to a queued one. Cheap when nothing is queued. */
    public void requestEnded() {
        FlowController next = successor;
        if (next != null) {
            next.requestEnded();
            return;
        }
        if (queued.get() == 0) {
            return;
        }
        List<Runnable> outcomes = new ArrayList<>(1);
        lock.lock();
        try {
            if (state == State.OPEN) {
                dispatchOne(endpoints.get(), outcomes);
            }
        } finally {
            lock.unlock();
        }
        run(outcomes);
    }

    /** Requests waiting now. */
    public int queued() {
        return queued.get();
    }

    /** Expires requests past their TTL, dispatches one if the pool allows, and re-arms while anything waits. */
    void tick() {
        List<Runnable> outcomes = new ArrayList<>();
        lock.lock();
        try {
            ticking = false;
            if (state != State.OPEN) {
                return;
            }
            expire(nanoClock.getAsLong(), outcomes);
            dispatchOne(endpoints.get(), outcomes);
            armTick();
        } finally {
            lock.unlock();
        }
        run(outcomes);
    }

    /**
     * Moves every waiting request into {@code next}, the same pool's controller in the configuration that replaces
     * this one's, before that configuration serves (so {@code next} has queued nothing yet): same bands, flows in
     * their turn order, each flow first come first served, arrival times kept. From then on this controller
     * forwards submits, request ends and cancels to {@code next}. Nothing is dispatched here; {@code next}'s tick
     * takes over.
     *
     * @throws IllegalStateException when this controller was handed over, released or closed already
     */
    public void handOver(FlowController next) {
        if (next == this) {
            throw new IllegalArgumentException("a flow controller cannot hand its queue to itself");
        }
        lock.lock();
        try {
            if (state != State.OPEN) {
                throw new IllegalStateException("this flow controller was " + describe(state) + " already");
            }
            next.lock.lock(); // always this one's lock first: next never takes ours while holding its own
            try {
                if (next.state != State.OPEN) {
                    throw new IllegalStateException("the next flow controller is not open");
                }
                for (Map.Entry<Integer, Band> e : bands.entrySet()) {
                    Band to = next.bands.computeIfAbsent(e.getKey(), p -> new Band(next.config.band(p)));
                    for (Flow f : e.getValue().rotation) {
                        for (Item it : f.items) {
                            Item moved = next.new Item(it.flowId, it.bytes, it.enqueuedAt, it.sequence, it.listener, to);
                            to.add(moved);
                            next.queuedBytes += it.bytes;
                            next.queued.incrementAndGet();
                            it.movedTo = moved;
                            it.done = true;
                        }
                    }
                }
                next.sequence = Math.max(next.sequence, sequence);
                next.armTick();
            } finally {
                next.lock.unlock();
            }
            bands.clear();
            queued.set(0);
            queuedBytes = 0;
            successor = next;
            state = State.HANDED_OVER;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Dispatches everything still queued, in order, and every later submit at once: the pool stays, with flow
     * control switched off.
     *
     * @throws IllegalStateException when this controller was handed over, released or closed already
     */
    public void release() {
        end(State.RELEASED);
    }

    /**
     * Rejects everything still queued ({@link Rejection#NO_ENDPOINTS}), and every later submit: the pool is gone.
     * Does nothing after {@link #handOver} or {@link #release}, or a first close.
     */
    @Override
    public void close() {
        end(State.CLOSED);
    }

    /** Leaves OPEN for {@code to} and answers every waiting request as {@code to} says, in queue order. */
    private void end(State to) {
        List<Runnable> outcomes = new ArrayList<>();
        lock.lock();
        try {
            if (to == State.CLOSED && state != State.OPEN) {
                return; // handed over, released or closed before: nothing waits here
            }
            retire(to);
            for (Band b : bands.values()) {
                for (Item it; (it = b.poll()) != null; ) {
                    Listener l = finish(it);
                    outcomes.add(to == State.RELEASED ? l::dispatched : () -> l.rejected(Rejection.NO_ENDPOINTS));
                }
            }
        } finally {
            lock.unlock();
        }
        run(outcomes);
    }

    /** Leaves OPEN for {@code to}. Under the lock. */
    private void retire(State to) {
        if (state != State.OPEN) {
            throw new IllegalStateException("this flow controller was " + describe(state) + " already");
        }
        state = to;
    }

    private static String describe(State s) {
        return s.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ');
    }

    private boolean fits(Band band, long bytes) {
        return (config.maxRequests() == 0 || queued.get() + 1 <= config.maxRequests())
                && (config.maxBytes() == 0 || queuedBytes + bytes <= config.maxBytes())
                && band.len + 1 <= band.config.maxRequests()
                && band.bytes + bytes <= band.config.maxBytes();
    }

    /** One dispatch cycle: the best queued request goes, if the pool is below saturation. Under the lock. */
    private void dispatchOne(List<EndpointState> now, List<Runnable> outcomes) {
        if (queued.get() == 0 || detector.saturated(now)) {
            return;
        }
        for (Band b : bands.values()) {
            Item it = b.poll();
            if (it != null) {
                outcomes.add(finish(it)::dispatched);
                return;
            }
        }
    }

    /** Rejects every request that has waited its TTL. FCFS within a flow: only heads can be the oldest. */
    private void expire(long now, List<Runnable> outcomes) {
        long ttl = config.defaultRequestTTL().toNanos();
        if (ttl == 0) {
            return;
        }
        for (Band b : bands.values()) {
            for (Iterator<Flow> flows = b.rotation.iterator(); flows.hasNext(); ) {
                Flow f = flows.next();
                for (Item head; (head = f.items.peekFirst()) != null && now - head.enqueuedAt >= ttl; ) {
                    f.items.pollFirst();
                    b.removed(head);
                    Listener l = finish(head);
                    outcomes.add(() -> l.rejected(Rejection.TTL_EXPIRED));
                }
                if (f.items.isEmpty()) {
                    flows.remove();
                    b.flows.remove(f.id);
                }
            }
        }
    }

    /** Marks a request as no longer queued (it has left its band already) and returns its listener. */
    private Listener finish(Item it) {
        it.done = true;
        queued.decrementAndGet();
        queuedBytes -= it.bytes;
        return it.listener;
    }

    private void armTick() {
        if (ticking || state != State.OPEN || queued.get() == 0) {
            return;
        }
        ticking = true;
        try {
            scheduler.schedule(this::tick, TICK_NANOS);
        } catch (RejectedExecutionException e) {
            ticking = false; // the event loops are shutting down; close() answers what is left
        }
    }

    private boolean cancel(Item it) {
        Item moved;
        lock.lock();
        try {
            moved = it.movedTo;
            if (moved == null) {
                return cancelHere(it);
            }
        } finally {
            lock.unlock();
        }
        return moved.cancel(); // handed over: it waits in the next controller now (outside this lock, see handOver)
    }

    /** Takes a request out of this controller's queue, if still there. Under the lock. */
    private boolean cancelHere(Item it) {
        if (it.done) {
            return false;
        }
        Band b = it.band;
        Flow f = b.flows.get(it.flowId);
        f.items.remove(it);
        b.removed(it);
        if (f.items.isEmpty()) {
            b.rotation.remove(f);
            b.flows.remove(f.id);
        }
        finish(it);
        return true;
    }

    /** Runs every outcome even if one listener throws; rethrows the first failure after. */
    private static void run(List<Runnable> outcomes) {
        RuntimeException first = null;
        for (Runnable r : outcomes) {
            try {
                r.run();
            } catch (RuntimeException e) {
                if (first == null) {
                    first = e;
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }

    private final class Item implements Ticket {
        final String flowId;
        final long bytes;
        final long enqueuedAt;
        final long sequence;
        final Listener listener;
        final Band band;
        boolean done;
        /** Its copy in the controller this one handed over to; cancels go there. Guarded by the lock. */
        Item movedTo;

        Item(String flowId, long bytes, long enqueuedAt, long sequence, Listener listener, Band band) {
            this.flowId = flowId;
            this.bytes = bytes;
            this.enqueuedAt = enqueuedAt;
            this.sequence = sequence;
            this.listener = listener;
            this.band = band;
        }

        @Override
        public boolean cancel() {
            return FlowController.this.cancel(this);
        }
    }

    /** A fairness id's queue within a band, FCFS. */
    private static final class Flow {
        final String id;
        final ArrayDeque<Item> items = new ArrayDeque<>();

        Flow(String id) {
            this.id = id;
        }
    }

    /** The requests of one priority. A flow is in {@code flows} and in {@code rotation} exactly while it has items. */
    private static final class Band {
        final FlowControlConfig.Band config;
        final Map<String, Flow> flows = new HashMap<>();
        /** Flows with waiting requests; round-robin serves the first and moves it to the back. */
        final ArrayDeque<Flow> rotation = new ArrayDeque<>();
        int len;
        long bytes;

        Band(FlowControlConfig.Band config) {
            this.config = config;
        }

        void add(Item it) {
            Flow f = flows.get(it.flowId);
            if (f == null) {
                f = new Flow(it.flowId);
                flows.put(f.id, f);
                rotation.addLast(f);
            }
            f.items.addLast(it);
            len++;
            bytes += it.bytes;
        }

        /** Takes the next request by the band's fairness policy, or null when empty. */
        Item poll() {
            Flow f = config.fairness() == FlowControlConfig.Fairness.ROUND_ROBIN ? rotation.pollFirst() : oldest();
            if (f == null) {
                return null;
            }
            Item it = f.items.pollFirst();
            removed(it);
            if (f.items.isEmpty()) {
                flows.remove(f.id);
            } else {
                rotation.addLast(f);
            }
            return it;
        }

        /** Global strict: the flow whose head arrived first, taken out of the rotation. */
        private Flow oldest() {
            Flow best = null;
            for (Flow f : rotation) {
                if (best == null || f.items.peekFirst().sequence < best.items.peekFirst().sequence) {
                    best = f;
                }
            }
            if (best != null) {
                rotation.remove(best);
            }
            return best;
        }

        void removed(Item it) {
            len--;
            bytes -= it.bytes;
        }
    }
}
