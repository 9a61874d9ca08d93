package dev.switchboard.gateway.admin;

import dev.switchboard.core.model.UsageTail;
import dev.switchboard.gateway.handler.RequestInfo;
import dev.switchboard.gateway.routing.Attempt;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One JSON line per request on the logger {@code switchboard.access}: identifiers, routing, status and timings.
 * Lines are logged in batches (one logging event holds one or more lines, separated by newlines): give the logger
 * an appender with the pattern {@code %msg%n}, as the launcher's logback.xml does, so each line is a JSON object.
 * Never the prompt, the response or a credential. Lines are written by one thread of their own, off the event
 * loops; when it falls behind, lines are dropped and counted ({@link #dropped}) rather than slowing requests.
 */
public final class AccessLog implements AutoCloseable {
    /*
     * Problem: every request ends with a line, on its event loop. Formatting it there and calling logback puts the
     * appender's lock (one for all loops) and a write(2) to stderr on the hot path, and a slow sink (a full pipe, a
     * stalled disk) stalls every request behind it.
     * Approach: the loop captures an immutable AccessLogEntry and offers it to a bounded queue; one writer thread
     * formats the lines and hands them to the logger, so users still route and format them with logback. When the
     * queue is full the entry is dropped and counted: a stuck sink costs lines, never latency.
     * Concurrency: a ConcurrentLinkedQueue (lock-free: a CAS on its tail) bounded by an AtomicInteger that producers
     * check before they offer. The check and the increment are two steps, so the queue may exceed CAPACITY by at most
     * the number of producers (event loops) offering at that instant. Producers never wake the writer (an unpark is
     * a futex call when it sleeps): it parks for POLL_NANOS whenever it finds the queue empty. close() sets a flag,
     * wakes the writer, and waits for it to drain the queue; entries offered after that are dropped and counted. It
     * is meant for after the event loops stopped: an entry offered while close() runs may be lost uncounted.
     * Cost per request: the entry, a queue node and an Instant (about 150 bytes), two atomic updates on lines shared
     * by the loops. A line is written at most POLL_NANOS after its request ended, plus the writer's backlog.
     */
    private static final Logger LOG = LoggerFactory.getLogger("switchboard.access");
    private static final Logger SELF = LoggerFactory.getLogger(AccessLog.class);

    /** Entries waiting for the writer at most: 4 s of backlog at 2,000 requests/s, about 1.5 MB. */
    static final int CAPACITY = 8192;
    /** How long the idle writer sleeps between looks at the queue: how late a line may be, 5 ms. */
    static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(5);
    /** Lines per logging event at most (a few hundred KB of text, written at once). */
    static final int BATCH_LINES = 256;
    /** How long close() waits for the writer to drain the queue before giving up on a stuck sink, 5 s. */
    static final long CLOSE_WAIT_MILLIS = 5000;

    private final Queue<AccessLogEntry> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger queued = new AtomicInteger();
    private final LongAdder dropped = new LongAdder();
    /** Null when the access log is switched off. */
    private final Thread writer;
    private volatile boolean closed;

    /** Starts the writer thread when {@code enabled}. */
    public AccessLog(boolean enabled) {
        this.writer = enabled ? Thread.ofPlatform().name("switchboard-access-log").daemon().unstarted(this::write) : null;
        if (writer != null) {
            writer.start();
        }
    }

    /**
     * Queues the line for one finished request; never blocks.
     *
     * @param error why the gateway answered with an error of its own or cut the response, or null
     */
    public void log(RequestInfo info, Attempt attempt, int status, int attempts, long durationNanos, long firstByteNanos,
            UsageTail.Usage usage, boolean complete, String error) {
        if (writer == null || !LOG.isInfoEnabled()) {
            return;
        }
        if (closed || queued.get() >= CAPACITY) {
            dropped.increment();
            return;
        }
        queued.incrementAndGet();
        queue.offer(AccessLogEntry.of(info, attempt, status, attempts, durationNanos, firstByteNanos, usage, complete,
                error));
    }

    /** Lines not written since start: the queue was full, the gateway was closing, or the logger failed. */
    public long dropped() {
        return dropped.sum();
    }

    /** Writes what is queued (waiting up to {@value #CLOSE_WAIT_MILLIS} ms for it) and stops the writer. */
    @Override
    public void close() {
        if (writer == null || closed) {
            return;
        }
        closed = true;
        LockSupport.unpark(writer);
        try {
            writer.join(CLOSE_WAIT_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (writer.isAlive()) {
            SELF.warn("the access log's writer did not drain its {} queued lines within {} ms; they are lost",
                    queued.get(), CLOSE_WAIT_MILLIS);
        }
    }

    /**
     * The writer thread: drain, park when empty, and exit once closed and drained. Lines go to the logger in batches
     * of up to {@link #BATCH_LINES}, one event per batch, its lines separated by newlines: one write (and flush) per
     * batch instead of one per line, which cost the default configuration a fifth of its throughput under load.
     */
    private void write() {
        StringBuilder batch = new StringBuilder(BATCH_LINES * 320);
        while (true) {
            boolean last = closed; // read before draining: whatever was offered before close() is in the queue now
            int lines = 0;
            for (AccessLogEntry e; (e = queue.poll()) != null; ) {
                queued.decrementAndGet();
                if (lines > 0) {
                    batch.append('\n');
                }
                e.appendJson(batch);
                if (++lines == BATCH_LINES) {
                    emit(batch, lines);
                    lines = 0;
                }
            }
            if (lines > 0) {
                emit(batch, lines);
            }
            if (last) {
                return;
            }
            LockSupport.parkNanos(this, POLL_NANOS);
        }
    }

    private void emit(StringBuilder batch, int lines) {
        try {
            LOG.info(batch.toString());
        } catch (RuntimeException failure) {
            dropped.add(lines); // an appender that throws loses these lines, not the writer
        }
        batch.setLength(0);
    }
}
