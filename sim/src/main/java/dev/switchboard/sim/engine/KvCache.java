package dev.switchboard.sim.engine;

import java.util.Arrays;

/**
 * A paged KV cache of fixed-size blocks with automatic prefix caching, as in vLLM V1.
 */
final class KvCache {
    /*
     * Problem: model how many KV blocks running sequences hold (that is kv_cache_usage_perc), and which prompt
     * prefixes are still cached after their sequences finished, so a repeated prefix skips its prefill.
     *
     * Approach (vLLM V1 block manager):
     *  - Every block has a reference count: the number of running sequences whose block table holds it.
     *  - A full prompt block computed by a sequence is registered under its chained hash (hash of the block's token
     *    ids seeded with the previous block's hash and the model / adapter), so equal prefixes map to equal hashes.
     *  - A block whose count drops to 0 is free. If it has a hash it stays findable and joins an LRU list of
     *    evictable blocks; otherwise it goes on a plain free stack. Allocation takes the free stack first, then
     *    evicts the least recently freed cached block, dropping its hash.
     *  - A hit pins the cached block (count + 1, out of the LRU).
     *  - usage = blocks with count > 0 / all blocks: cached-but-free blocks do not count, as in vLLM.
     *
     * Concurrency: owned by one engine thread; not thread-safe.
     * Cost: O(1) per allocate / release / pin (intrusive doubly linked LRU over int arrays, one hash map).
     */

    private static final int NONE = -1;

    final int numBlocks;
    final int blockSize;
    private final int[] refCount;
    private final long[] hashOf;
    private final boolean[] hashed;
    private final LongIntMap blockByHash;
    /** Free blocks without a hash. */
    private final int[] freeStack;
    private int freeTop;
    /** LRU of free blocks with a hash: head = least recently freed = next to evict. */
    private final int[] prev;
    private final int[] next;
    private int lruHead = NONE;
    private int lruTail = NONE;
    private int lruSize;
    private int used;
    /** Where evictions are told, when KV events are published. */
    KvEventLog events;

    KvCache(int numBlocks, int blockSize) {
        this.numBlocks = numBlocks;
        this.blockSize = blockSize;
        this.refCount = new int[numBlocks];
        this.hashOf = new long[numBlocks];
        this.hashed = new boolean[numBlocks];
        this.blockByHash = new LongIntMap(Math.max(16, numBlocks));
        this.freeStack = new int[numBlocks];
        for (int i = 0; i < numBlocks; i++) {
            freeStack[i] = numBlocks - 1 - i;
        }
        this.freeTop = numBlocks;
        this.prev = new int[numBlocks];
        this.next = new int[numBlocks];
        Arrays.fill(prev, NONE);
        Arrays.fill(next, NONE);
    }

    /** Blocks that an allocation could still get (plain free plus evictable cached). */
    int freeBlocks() {
        return freeTop + lruSize;
    }

    /** Blocks held by running sequences. */
    int usedBlocks() {
        return used;
    }

    double usage() {
        return (double) used / numBlocks;
    }

    /** Number of leading {@code hashes} that are cached (held or evictable). Changes nothing. */
    int countCached(long[] hashes, int limit) {
        int n = 0;
        while (n < limit && blockByHash.get(hashes[n]) != NONE) {
            n++;
        }
        return n;
    }

    /** Pins the cached block registered under {@code hash} for one more sequence; returns its id. */
    int pin(long hash) {
        int block = blockByHash.get(hash);
        if (block == NONE) {
            throw new IllegalStateException("block not cached");
        }
        if (refCount[block]++ == 0) {
            unlink(block);
            used++;
        }
        return block;
    }

    /** A free block, pinned once, or -1 when none is left. May evict a cached block. */
    int allocate() {
        int block;
        if (freeTop > 0) {
            block = freeStack[--freeTop];
        } else if (lruHead != NONE) {
            block = lruHead;
            unlink(block);
            blockByHash.remove(hashOf[block]);
            hashed[block] = false;
            if (events != null) {
                events.removed(hashOf[block]);
            }
        } else {
            return NONE;
        }
        refCount[block] = 1;
        used++;
        return block;
    }

    /**
     * Makes a computed full block findable by {@code hash}; false when it was not (a hash already cached elsewhere
     * keeps its block).
     */
    boolean register(int block, long hash) {
        if (hashed[block] || blockByHash.get(hash) != NONE) {
            return false;
        }
        hashed[block] = true;
        hashOf[block] = hash;
        blockByHash.put(hash, block);
        return true;
    }

    /** Drops one reference; the last one frees the block (to the LRU if it is cached). */
    void release(int block) {
        if (refCount[block] <= 0) {
            throw new IllegalStateException("block " + block + " released more often than pinned");
        }
        if (--refCount[block] > 0) {
            return;
        }
        used--;
        if (hashed[block]) {
            linkTail(block);
        } else {
            freeStack[freeTop++] = block;
        }
    }

    private void linkTail(int block) {
        prev[block] = lruTail;
        next[block] = NONE;
        if (lruTail != NONE) {
            next[lruTail] = block;
        } else {
            lruHead = block;
        }
        lruTail = block;
        lruSize++;
    }

    private void unlink(int block) {
        int p = prev[block];
        int n = next[block];
        if (p != NONE) {
            next[p] = n;
        } else {
            lruHead = n;
        }
        if (n != NONE) {
            prev[n] = p;
        } else {
            lruTail = p;
        }
        prev[block] = NONE;
        next[block] = NONE;
        lruSize--;
    }
}
