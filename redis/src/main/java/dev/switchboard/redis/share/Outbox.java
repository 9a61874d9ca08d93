package dev.switchboard.redis.share;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The pick records waiting for the next flush: filled by request threads, emptied by the sharing's thread. Bounded
 * by the hashes it holds; a record that does not fit is dropped and counted, never waited for.
 */
final class Outbox {
    /*
     * A lock-free queue and one atomic count, so the request path takes no lock that all requests share (the
     * reference EPP, too, records after the pick, asynchronously). A dropped record is a lost sample: the peers
     * learn that prefix from the next request that carries it. The bound is in hashes (8 bytes each, the bulk of a
     * record) rather than records, since one record holds 1 to 1,024 of them.
     */

    private final ConcurrentLinkedQueue<StateMessage.Blocks> queue = new ConcurrentLinkedQueue<>();
    private final AtomicLong hashes = new AtomicLong();
    private final LongAdder dropped = new LongAdder();
    private final long maxHashes;

    /** @param maxHashes hashes queued at most (x 8 bytes: the queue's memory) */
    Outbox(long maxHashes) {
        this.maxHashes = maxHashes;
    }

    /** Queues {@code r}, or drops it when the queue is full. Never blocks. */
    void offer(StateMessage.Blocks r) {
        int n = r.hashes().length;
        if (hashes.addAndGet(n) > maxHashes) {
            hashes.addAndGet(-n);
            dropped.increment();
            return;
        }
        queue.add(r);
    }

    /** The records queued, oldest first, up to {@code maxBytes} of a message (at least one, when any). */
    List<StateMessage.Blocks> take(int maxBytes) {
        List<StateMessage.Blocks> out = new ArrayList<>();
        int bytes = 0;
        StateMessage.Blocks r;
        while ((r = queue.peek()) != null && (out.isEmpty() || bytes + StateCodec.recordSize(r) <= maxBytes)
                && out.size() < StateCodec.MAX_COUNT) {
            queue.poll(); // the only consumer: what was peeked is what is polled
            hashes.addAndGet(-r.hashes().length);
            bytes += StateCodec.recordSize(r);
            out.add(r);
        }
        return out;
    }

    /** Whether nothing waits. */
    boolean isEmpty() {
        return queue.isEmpty();
    }

    /** Records dropped because the queue was full. */
    long dropped() {
        return dropped.sum();
    }

    /** Hashes queued now. */
    long queuedHashes() {
        return hashes.get();
    }
}
