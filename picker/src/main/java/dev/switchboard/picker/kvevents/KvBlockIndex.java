package dev.switchboard.picker.kvevents;

import dev.switchboard.core.kvevents.KvEvent;
import dev.switchboard.core.kvevents.KvEventBatch;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Which prompt blocks each model server holds, as its KV-cache events tell: a block is known by a chained hash of
 * its tokens (ours, see {@link #chain}), so a prompt tokenized the same way finds it without knowing the engine's
 * hash function or seed.
 */
public final class KvBlockIndex {
    /*
     * Problem: the approximate index guesses what a server holds from where requests went; it cannot see a
     * server evict (its KV cache is full of other prompts) or restart. The engine's events say so, but in the
     * engine's block hashes, which depend on its hash function and a per-process seed (vLLM's PYTHONHASHSEED), so
     * a gateway cannot recompute them from a prompt.
     * Approach: a BlockStored event carries the blocks' token ids and the parent block's engine hash. Per server we
     * keep engine hash -> our chain hash (ours = mix over the parent's chain hash and the block's tokens) and the
     * set of chain hashes held; a stored block's chain hash comes from its parent's, so what a prompt's tokens hash
     * to (chain()) is what the server's blocks hash to. BlockRemoved looks up and drops; AllBlocksCleared drops the
     * server's all. A stored run whose parent we never heard of (events missed, or cached before we subscribed)
     * cannot be placed in a chain and is skipped (counted as orphaned): a miss, never a wrong hit.
     * Only base-model blocks are kept (lora_id absent): adapter blocks are keyed by the adapter in the engine and
     * the event carries the adapter's number, not its name; a request for an adapter scores on the approximate
     * index instead.
     * Memory: at most maxBlocksPerServer blocks per server (beyond, stored blocks are dropped and counted), about
     * 200 bytes each in the two maps.
     * Concurrency: one writer (the subscriber's thread) per server; lookups from any thread read concurrent maps.
     */

    /** 262,144 blocks: 4.2 million tokens of 16-token blocks, 8x an H100's cache for an 8B model. */
    public static final int DEFAULT_MAX_BLOCKS_PER_SERVER = 1 << 18;
    /** Servers kept at most: a publisher that invents a name a message cannot grow the heap past this. */
    public static final int MAX_SERVERS = 4096;

    private static final long SEED = 0x51_7c_c1_b7_27_22_0a_95L;

    /** One server's blocks. */
    private static final class Server {
        final ConcurrentHashMap<Long, Long> chainByEngineHash = new ConcurrentHashMap<>();
        final ConcurrentHashMap<Long, Integer> held = new ConcurrentHashMap<>();

        void clear() {
            chainByEngineHash.clear();
            held.clear();
        }

        void drop(long engineHash) {
            Long chain = chainByEngineHash.remove(engineHash);
            if (chain != null) {
                held.computeIfPresent(chain, (k, n) -> n > 1 ? n - 1 : null);
            }
        }
    }

    private final int blockSize;
    private final int maxBlocksPerServer;
    private final ConcurrentHashMap<String, Server> servers = new ConcurrentHashMap<>();
    private final LongAdder stored = new LongAdder();
    private final LongAdder removed = new LongAdder();
    private final LongAdder skipped = new LongAdder();

    public KvBlockIndex(int blockSize, int maxBlocksPerServer) {
        if (blockSize < 1 || maxBlocksPerServer < 1) {
            throw new IllegalArgumentException("block size and capacity must be >= 1");
        }
        this.blockSize = blockSize;
        this.maxBlocksPerServer = maxBlocksPerServer;
    }

    public int blockSize() {
        return blockSize;
    }

    /** Applies one batch from {@code server} (the pod part of its topic). One thread per server calls this. */
    public void apply(String server, KvEventBatch batch) {
        Server s = servers.get(server);
        if (s == null) {
            if (servers.size() >= MAX_SERVERS) {
                throw new IllegalArgumentException(MAX_SERVERS + " servers publish already; events from '" + server
                        + "' are not kept");
            }
            s = servers.computeIfAbsent(server, k -> new Server());
        }
        for (KvEvent e : batch.events()) {
            switch (e) {
                case KvEvent.BlockStored b -> store(s, b);
                case KvEvent.BlockRemoved r -> {
                    for (long h : r.blockHashes()) {
                        s.drop(h);
                    }
                    removed.add(r.blockHashes().length);
                }
                case KvEvent.AllBlocksCleared c -> s.clear();
            }
        }
    }

    private void store(Server s, KvEvent.BlockStored b) {
        int n = b.blockHashes().length;
        if (b.loraId() >= 0 || b.blockSize() != blockSize || b.tokenIds().length != (long) n * blockSize) {
            skipped.add(n); // an adapter's blocks, another block size, or tokens that do not fill the blocks
            return;
        }
        long chain = SEED;
        if (b.hasParent()) {
            Long parent = s.chainByEngineHash.get(b.parentBlockHash());
            if (parent == null) {
                skipped.add(n); // orphaned: its chain is unknown
                return;
            }
            chain = parent;
        }
        for (int i = 0; i < n; i++) {
            chain = blockHash(chain, b.tokenIds(), i * blockSize, blockSize);
            if (s.chainByEngineHash.size() >= maxBlocksPerServer) {
                skipped.add(n - i);
                return;
            }
            if (s.chainByEngineHash.putIfAbsent(b.blockHashes()[i], chain) == null) {
                s.held.merge(chain, 1, Integer::sum);
            }
        }
        stored.add(n);
    }

    /** Forgets what {@code server} held (it restarted: its sequence numbers began again). */
    public void clear(String server) {
        Server s = servers.get(server);
        if (s != null) {
            s.clear();
        }
    }

    /** Whether {@code server} has published anything (else a scorer falls back to the approximate index). */
    public boolean knows(String server) {
        return servers.containsKey(server);
    }

    /** Leading blocks of {@code chain} (see {@link #chain}) that {@code server} holds. */
    public int matched(String server, long[] chain) {
        Server s = servers.get(server);
        if (s == null) {
            return 0;
        }
        int n = 0;
        while (n < chain.length && s.held.containsKey(chain[n])) {
            n++;
        }
        return n;
    }

    /** The servers that have published, by the name their topics give. */
    public java.util.Set<String> servers() {
        return java.util.Collections.unmodifiableSet(servers.keySet());
    }

    /** Blocks {@code server} holds now. */
    public int blocks(String server) {
        Server s = servers.get(server);
        return s == null ? 0 : s.chainByEngineHash.size();
    }

    /** Blocks stored, removed, and skipped (adapter, block size, orphaned or over capacity) since start. */
    public long stored() {
        return stored.sum();
    }

    public long removed() {
        return removed.sum();
    }

    public long skipped() {
        return skipped.sum();
    }

    /** The chained hashes of the full blocks of {@code tokenIds}, at most {@code maxBlocks}. */
    public long[] chain(long[] tokenIds, int maxBlocks) {
        int blocks = Math.min(maxBlocks, tokenIds.length / blockSize);
        long[] out = new long[blocks];
        long h = SEED;
        for (int b = 0; b < blocks; b++) {
            h = blockHash(h, tokenIds, b * blockSize, blockSize);
            out[b] = h;
        }
        return out;
    }

    private static long blockHash(long parent, long[] tokens, int from, int count) {
        long h = parent;
        for (int i = from; i < from + count; i++) {
            h = (h ^ tokens[i]) * 0x9E3779B97F4A7C15L;
            h ^= h >>> 29;
        }
        h *= 0xbf58476d1ce4e5b9L;
        return h ^ (h >>> 32);
    }
}
