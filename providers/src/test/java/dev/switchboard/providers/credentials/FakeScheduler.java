package dev.switchboard.providers.credentials;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.Delayed;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A scheduler driven by a {@link FakeClock}: tasks run on the test's thread when {@link #advance} moves the clock
 * past their time, in time order, so refresh timing is tested exactly and without sleeping. Only one-shot
 * {@code schedule(Runnable, ...)} and {@code execute} are supported, which is all the credentials use.
 */
final class FakeScheduler extends AbstractExecutorService implements ScheduledExecutorService {
    private final FakeClock clock;
    private final PriorityQueue<Task> queue = new PriorityQueue<>(
            Comparator.comparing((Task t) -> t.at).thenComparingLong(t -> t.seq));
    private long seq;

    FakeScheduler(FakeClock clock) {
        this.clock = clock;
    }

    /** Runs what is due now. */
    void runDue() {
        advance(Duration.ZERO);
    }

    /** Moves the clock forward by {@code d}, running each task due on the way at its own time. */
    void advance(Duration d) {
        Instant end = clock.instant().plus(d);
        while (true) {
            Task next = queue.peek();
            if (next == null || next.at.isAfter(end)) {
                break;
            }
            queue.poll();
            if (next.at.isAfter(clock.instant())) {
                clock.set(next.at);
            }
            if (!next.cancelled) {
                next.command.run();
            }
        }
        clock.set(end);
    }

    /** When the next pending task is due, or null. */
    Instant nextDue() {
        return queue.stream().filter(t -> !t.cancelled).map(t -> t.at).min(Comparator.naturalOrder()).orElse(null);
    }

    @Override
    public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
        Task t = new Task(clock.instant().plusNanos(unit.toNanos(delay)), seq++, command);
        queue.add(t);
        return t;
    }

    @Override
    public void execute(Runnable command) {
        schedule(command, 0, TimeUnit.NANOSECONDS);
    }

    @Override
    public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
        throw new UnsupportedOperationException();
    }

    @Override
    public ScheduledFuture<?> scheduleAtFixedRate(Runnable command, long initialDelay, long period, TimeUnit unit) {
        throw new UnsupportedOperationException();
    }

    @Override
    public ScheduledFuture<?> scheduleWithFixedDelay(Runnable command, long initialDelay, long delay, TimeUnit unit) {
        throw new UnsupportedOperationException();
    }

    @Override
    public void shutdown() {
        queue.clear();
    }

    @Override
    public List<Runnable> shutdownNow() {
        List<Runnable> pending = new ArrayList<>();
        queue.forEach(t -> pending.add(t.command));
        queue.clear();
        return pending;
    }

    @Override
    public boolean isShutdown() {
        return false;
    }

    @Override
    public boolean isTerminated() {
        return false;
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) {
        return true;
    }

    private final class Task implements ScheduledFuture<Object> {
        final Instant at;
        final long seq;
        final Runnable command;
        volatile boolean cancelled;

        Task(Instant at, long seq, Runnable command) {
            this.at = at;
            this.seq = seq;
            this.command = command;
        }

        @Override
        public long getDelay(TimeUnit unit) {
            return unit.convert(Duration.between(clock.instant(), at).toNanos(), TimeUnit.NANOSECONDS);
        }

        @Override
        public int compareTo(Delayed o) {
            return Long.compare(getDelay(TimeUnit.NANOSECONDS), o.getDelay(TimeUnit.NANOSECONDS));
        }

        @Override
        public boolean cancel(boolean mayInterruptIfRunning) {
            cancelled = true;
            return true;
        }

        @Override
        public boolean isCancelled() {
            return cancelled;
        }

        @Override
        public boolean isDone() {
            return cancelled;
        }

        @Override
        public Object get() {
            throw new UnsupportedOperationException();
        }

        @Override
        public Object get(long timeout, TimeUnit unit) {
            throw new UnsupportedOperationException();
        }
    }
}
