package dev.switchboard.picker.plugins.scorer;

import java.util.BitSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.IntSupplier;

/**
 * Which endpoints probably hold which prompt prefixes in their KV cache, learned from where requests were sent, in
 * at most a given number of bytes.
 */
final class PrefixIndex {
    /*
     * Problem: prefix-cache-aware routing needs, per request, the endpoints most likely to hold the longest cached
     * prefix of its prompt, in O(prompt) and without asking the model servers; and the memory this takes must not
     * follow what the servers report (one server saying it caches 2^31 blocks must not grow the gateway's heap).
     * Approach (the reference EPP's approximate prefix cache): the prompt's characters are cut into blocks of
     * blockChars (block size in tokens x ~4 characters a token); block i's hash is chained over block i-1's, and
     * block 0's is seeded with the model name, so a hash stands for the whole prefix up to it and adapters never
     * share entries (hashes()). The index maps a hash to the endpoints it was sent to, and each endpoint keeps an
     * LRU of its hashes; evicting a hash from an endpoint's LRU removes the endpoint from that hash's holders. A lookup
     * counts, per endpoint, the consecutive blocks it holds from the first. After a pick, the chosen endpoint is
     * recorded under every hash of the prompt, the last first, so that its LRU forgets a prompt's tail before its
     * head, as vLLM does; what an endpoint holds of a chain is then prefix-closed, which lets a lookup read a few
     * block positions instead of all (BlockTable: how, and what that approximation misses). Both maps live in one
     * BlockTable of primitive arrays (endpoints as small int ids) that grows with what is recorded up to maxBytes: 16
     * bytes a slot, ~21 per (hash, endpoint) entry when full, where the boxed maps this replaces took 76-161
     * (docs/picker.md).
     * Memory: each endpoint asks for the capacity given with its records (its KV cache, num_gpu_blocks x block_size
     * tokens, with autoTune; else lruCapacityPerServer); when those add up to more entries than maxBytes holds, each
     * endpoint's LRU is cut to a max-min fair share (FairShare), so a huge report takes an equal part, not the heap.
     * Concurrency: lookups from any thread read the table without a lock (see BlockTable for what a racing read may
     * see). The table has one writer at a time, since endpoints share its slots; so that this is no lock every pick
     * waits on, writes (records and removals) are queued, lock-free, and applied by whichever thread gets the writer
     * lock with tryLock: while one thread applies, the others queue and return, and the applier takes their writes
     * too, so no pick waits for another (the old per-endpoint locks made picks for one endpoint wait). The queue holds
     * MAX_PENDING records at most; beyond, a record is dropped, a lost sample the next request with that prefix
     * makes up for (the reference EPP, too, records after the pick, asynchronously). A removal is never dropped, and
     * is applied after the records queued with it.
     * Cost: one 64-bit hash per block (blockHash: four characters a word, four lanes; 30-45 µs for 1,024 blocks of
     * 64 characters, where FNV-1a a character took 75-190); a lookup probes a few block positions for each endpoint
     * id and allocates one int per id for the counts; a record touches each block's entry and LRU neighbours, or
     * nothing when the endpoint was sent the same chain recently (BlockTable.putChain).
     */

    /** Records waiting for the writer at most; with one per event loop waiting at a time in practice, 64 is slack. */
    static final int MAX_PENDING = 64;
    /** Bytes of this class's per-endpoint arrays (demand and share), counted in the bound. */
    static final long FIXED_BYTES = 2L * Integer.BYTES * (BlockTable.MAX_ID + 1);

    private static final int[] NO_COUNTS = {};
    /** Characters copied out of the prompt at a time for hashing: 2 KB of scratch, few copies. */
    static final int COPY_CHARS = 1024;
    /** xxHash64's first two primes, for blockHash's rounds. */
    private static final long P1 = 0x9E3779B185EBCA87L;
    private static final long P2 = 0xC2B2AE3D27D4EB4FL;

    /** A record waiting for the writer. */
    private record Write(String endpoint, long[] hashes, int capacity) {}

    private final int blockChars;
    private final int maxBlocks;
    private final long maxBytes;
    private final BlockTable table;
    /** Endpoint address to id: written by the writer, read by lookups. */
    private final ConcurrentHashMap<String, Integer> ids = new ConcurrentHashMap<>();
    /** One past the highest id ever given: the length of a lookup's counts. */
    private volatile int idLimit = 1;
    // writer only, indexed by id
    private final BitSet used = new BitSet(BlockTable.MAX_ID + 1);
    private final int[] demand = new int[BlockTable.MAX_ID + 1];
    private final int[] share = new int[BlockTable.MAX_ID + 1];

    private final ReentrantLock writer = new ReentrantLock();
    private final ConcurrentLinkedQueue<Write> writes = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<String> removals = new ConcurrentLinkedQueue<>();
    private final AtomicInteger pending = new AtomicInteger();
    private final LongAdder droppedWrites = new LongAdder();

    /**
     * @param blockChars characters per block
     * @param maxBlocks  blocks of a prompt considered at most
     * @param maxBytes   the most the index's arrays may take
     */
    PrefixIndex(int blockChars, int maxBlocks, long maxBytes) {
        this(blockChars, maxBlocks, maxBytes, ThreadLocalRandom.current().nextLong());
    }

    /** @param seed where hashes go in the table (tests fix it; it changes no result) */
    PrefixIndex(int blockChars, int maxBlocks, long maxBytes, long seed) {
        this.blockChars = blockChars;
        this.maxBlocks = maxBlocks;
        this.maxBytes = maxBytes;
        this.table = new BlockTable(maxBytes - FIXED_BYTES, seed);
    }

    /** Characters per block. */
    int blockChars() {
        return blockChars;
    }

    /** Chained hashes of the prompt's blocks (a last partial block included), at most maxBlocks. */
    long[] hashes(String model, CharSequence prompt) {
        int blocks = Math.min(maxBlocks, (prompt.length() + blockChars - 1) / blockChars);
        long[] out = new long[blocks];
        int chunkBlocks = Math.max(1, COPY_CHARS / blockChars);
        char[] chunk = new char[chunkBlocks * blockChars];
        long h = mix(fnv(model, 0, model.length(), 0xcbf29ce484222325L));
        for (int first = 0; first < blocks; first += chunkBlocks) {
            int from = first * blockChars;
            int to = Math.min(prompt.length(), from + chunk.length);
            if (prompt instanceof String s) {
                s.getChars(from, to, chunk, 0); // one bulk copy, where charAt costs a call and a check a character
            } else {
                for (int i = from; i < to; i++) {
                    chunk[i - from] = prompt.charAt(i);
                }
            }
            for (int b = first; b < Math.min(blocks, first + chunkBlocks); b++) {
                int at = (b - first) * blockChars;
                h = blockHash(chunk, at, Math.min(blockChars, to - from - at), h);
                out[b] = h;
            }
        }
        return out;
    }

    /**
     * Hashes {@code len} characters over the previous block's hash, four characters to a 64-bit word and four
     * independent lanes (xxHash64's round and primes): about half a cycle a character, where FNV-1a's one
     * multiply per character, each waiting for the one before, took four; at 1,024 blocks of 64 characters that
     * was 75-190 µs a pick on the benchmark machine. The round's rotation carries every bit of a word into the low
     * bits too, so prompts differing in any character differ in all 64 bits (before the final mix), not only in
     * the bits above that character's.
     */
    static long blockHash(char[] c, int off, int len, long previous) {
        long a = previous + P1 + P2;
        long b = previous + P2;
        long x = previous;
        long d = previous - P1;
        int i = off;
        int end = off + len;
        for (; i + 16 <= end; i += 16) {
            a = round(a, word(c, i));
            b = round(b, word(c, i + 4));
            x = round(x, word(c, i + 8));
            d = round(d, word(c, i + 12));
        }
        for (; i + 4 <= end; i += 4) {
            a = round(a, word(c, i));
        }
        for (; i < end; i++) {
            b = round(b, c[i]);
        }
        long h = Long.rotateLeft(a, 1) + Long.rotateLeft(b, 7) + Long.rotateLeft(x, 12) + Long.rotateLeft(d, 18);
        return mix(h ^ len);
    }

    private static long round(long acc, long input) {
        return Long.rotateLeft(acc + input * P2, 31) * P1;
    }

    private static long word(char[] c, int i) {
        return c[i] | (long) c[i + 1] << 16 | (long) c[i + 2] << 32 | (long) c[i + 3] << 48;
    }

    /**
     * How many leading blocks of {@code hashes} each endpoint holds, by endpoint id; read one endpoint's with
     * {@link #matched}.
     */
    int[] matches(long[] hashes) {
        if (hashes.length == 0) {
            return NO_COUNTS;
        }
        int[] counts = new int[idLimit];
        table.matches(hashes, counts);
        return counts;
    }

    /** The leading blocks {@code endpoint} holds, from counts returned by {@link #matches}. */
    int matched(int[] counts, String endpoint) {
        Integer id = ids.get(endpoint);
        return id == null || id >= counts.length ? 0 : counts[id];
    }

    /**
     * Records that {@code endpoint} now holds every block of {@code hashes}, remembering at most {@code capacity}
     * blocks for it (its own cache's size, when it reports one), less when the memory bound requires.
     */
    void record(String endpoint, long[] hashes, int capacity) {
        if (pending.incrementAndGet() > MAX_PENDING) {
            pending.decrementAndGet();
            droppedWrites.increment();
        } else {
            writes.add(new Write(endpoint, hashes, capacity));
        }
        drain(); // also when dropped: a full queue left by a drainer that ran out of budget must not stay stuck
    }

    /** Forgets an endpoint that left the pool. */
    void remove(String endpoint) {
        removals.add(endpoint);
        drain();
    }

    /**
     * Applies queued writes if no other thread is applying them. Each call applies at most 2 x MAX_PENDING records (a
     * pick does not apply others' forever), so an uncontended call always leaves the queue empty.
     */
    private void drain() {
        int budget = 2 * MAX_PENDING;
        while (budget > 0 && !(writes.isEmpty() && removals.isEmpty()) && writer.tryLock()) {
            try {
                Write w;
                while (budget > 0 && (w = writes.poll()) != null) {
                    pending.decrementAndGet();
                    apply(w);
                    budget--;
                }
                String gone;
                while ((gone = removals.poll()) != null) {
                    forget(gone);
                }
            } finally {
                writer.unlock();
            }
            // a write queued while we held the lock, by a thread whose tryLock failed, is picked up by the next turn
        }
    }

    private void apply(Write w) {
        Integer known = ids.get(w.endpoint());
        int id = known != null ? known : join(w.endpoint());
        if (id == 0) {
            return; // more endpoints than ids: this one is not remembered
        }
        if (known == null || demand[id] != w.capacity()) {
            demand[id] = w.capacity();
            reshare();
        }
        table.putChain(id, w.hashes(), share[id]);
    }

    private int join(String endpoint) {
        int id = used.nextClearBit(1);
        if (id > BlockTable.MAX_ID) {
            return 0;
        }
        used.set(id);
        ids.put(endpoint, id);
        if (id >= idLimit) {
            idLimit = id + 1;
        }
        return id;
    }

    private void forget(String endpoint) {
        Integer id = ids.remove(endpoint);
        if (id != null) {
            table.clear(id);
            used.clear(id);
            demand[id] = 0;
            share[id] = 0;
            reshare();
        }
    }

    /** Gives every endpoint its fair share of the table's entries and cuts those now above theirs. */
    private void reshare() {
        int level = FairShare.level(demand, idLimit, table.entryBudget());
        for (int id = used.nextSetBit(1); id >= 0; id = used.nextSetBit(id + 1)) {
            share[id] = Math.min(demand[id], level);
            table.trim(id, share[id]);
        }
    }

    /** The bound this index was made with, in bytes. */
    long maxBytes() {
        return maxBytes;
    }

    /** The (block, endpoint) entries the bound holds, shared out among endpoints. */
    long entryBudget() {
        return table.entryBudget();
    }

    /** Bytes the index's arrays take now. */
    long bytes() {
        return FIXED_BYTES + table.bytes();
    }

    /** The most bytes the index's arrays ever took at once. */
    long peakBytes() {
        return FIXED_BYTES + table.peakBytes();
    }

    /** Records dropped because MAX_PENDING were waiting. */
    long droppedWrites() {
        return droppedWrites.sum();
    }

    /** Blocks {@code endpoint} may hold (its share), or -1 when it is not known. Tests only: takes the writer lock. */
    int share(String endpoint) {
        return underLock(() -> {
            Integer id = ids.get(endpoint);
            return id == null ? -1 : share[id];
        });
    }

    /** Blocks {@code endpoint} holds, or -1 when it is not known. Tests only: takes the writer lock. */
    int held(String endpoint) {
        return underLock(() -> {
            Integer id = ids.get(endpoint);
            return id == null ? -1 : table.size(id);
        });
    }

    /**
     * Checks the table and the shares: each endpoint holds at most its share, the shares fit the table, nothing is
     * queued. Tests call it once the threads they started are done.
     */
    void checkInvariants() {
        writer.lock();
        try {
            table.checkInvariants();
            long shares = 0;
            for (int id = used.nextSetBit(1); id >= 0; id = used.nextSetBit(id + 1)) {
                if (table.size(id) > share[id] || share[id] > demand[id]) {
                    throw new IllegalStateException("prefix index: id " + id + " holds " + table.size(id)
                            + " blocks, its share is " + share[id] + " of " + demand[id]);
                }
                shares += share[id];
            }
            if (shares > table.entryBudget() || ids.size() != used.cardinality() || !writes.isEmpty()
                    || pending.get() != 0) {
                throw new IllegalStateException("prefix index: shares " + shares + " of " + table.entryBudget()
                        + ", " + ids.size() + " addresses for " + used.cardinality() + " ids, " + pending.get()
                        + " writes pending");
            }
        } finally {
            writer.unlock();
        }
    }

    private int underLock(IntSupplier read) {
        writer.lock();
        try {
            return read.getAsInt();
        } finally {
            writer.unlock();
        }
    }

    /** FNV-1a, for the model name that seeds a prompt's chain. */
    private static long fnv(CharSequence s, int from, int to, long h) {
        for (int i = from; i < to; i++) {
            h ^= s.charAt(i);
            h *= 0x100000001b3L;
        }
        return h;
    }

    /** MurmurHash3's finalizer: every input bit reaches every output bit. */
    private static long mix(long h) {
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        return h ^ (h >>> 33);
    }
}
