package dev.switchboard.picker.plugins.scorer;

import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which endpoints probably hold which prompt prefixes in their KV cache, learned from where requests were sent.
 */
final class PrefixIndex {
    /*
     * Problem: prefix-cache-aware routing needs, per request, the endpoints most likely to hold the longest cached
     * prefix of its prompt, in O(prompt) and without asking the model servers.
     * Approach (the reference EPP's approximate prefix cache): the prompt's characters are cut into blocks of
     * blockChars (block size in tokens x ~4 characters a token); block i's hash is chained over block i-1's, and
     * block 0's is seeded with the model name, so a hash stands for the whole prefix up to it and adapters never
     * share entries (hashes()). The index maps a hash to the endpoints it was sent to; each endpoint keeps an LRU of
     * its hashes bounded by the capacity given with each record (its KV cache: its reported size, else
     * lruCapacityPerServer), and evicting a hash from an endpoint's LRU removes the endpoint from that hash's entry. A lookup walks the prompt's hashes in order and counts, per
     * endpoint, the consecutive matches from the first block, stopping when no endpoint holds the next block. After a
     * pick, the chosen endpoint is recorded under every hash of the prompt.
     * Concurrency: lookups from any thread read a ConcurrentHashMap of immutable endpoint arrays. Recording takes
     * only the chosen endpoint's own lock (its LRU), so picks for different endpoints never wait for each other.
     * Cost: one 64-bit hash per block (FNV-1a over chars, mixed); a lookup is one map read per matched block.
     */

    private final int blockChars;
    private final int maxBlocks;
    private final ConcurrentHashMap<Long, String[]> holders = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Lru> lrus = new ConcurrentHashMap<>();

    /**
     * @param blockChars  characters per block
     * @param maxBlocks   blocks of a prompt considered at most
     */
    PrefixIndex(int blockChars, int maxBlocks) {
        this.blockChars = blockChars;
        this.maxBlocks = maxBlocks;
    }

    /** Characters per block. */
    int blockChars() {
        return blockChars;
    }

    /** Chained hashes of the prompt's blocks (a last partial block included), at most maxBlocks. */
    long[] hashes(String model, CharSequence prompt) {
        int blocks = Math.min(maxBlocks, (prompt.length() + blockChars - 1) / blockChars);
        long[] out = new long[blocks];
        long h = mix(fnv(model, 0, model.length(), 0xcbf29ce484222325L));
        for (int b = 0; b < blocks; b++) {
            int from = b * blockChars;
            h = mix(fnv(prompt, from, Math.min(prompt.length(), from + blockChars), h));
            out[b] = h;
        }
        return out;
    }

    /** For each endpoint address, how many leading blocks of {@code hashes} it holds. */
    Map<String, Integer> matches(long[] hashes) {
        Map<String, Integer> out = new java.util.HashMap<>();
        for (int b = 0; b < hashes.length; b++) {
            String[] at = holders.get(hashes[b]);
            if (at == null || at.length == 0) {
                break;
            }
            boolean extended = false;
            for (String e : at) {
                if (out.getOrDefault(e, 0) == b) {
                    out.put(e, b + 1);
                    extended = true;
                }
            }
            if (!extended) {
                break; // nobody holds blocks 0..b
            }
        }
        return out;
    }

    /**
     * Records that {@code endpoint} now holds every block of {@code hashes}, remembering at most {@code capacity}
     * blocks for it (its own cache's size, when it reports one).
     */
    void record(String endpoint, long[] hashes, int capacity) {
        Lru lru = lrus.computeIfAbsent(endpoint, k -> new Lru());
        synchronized (lru) {
            for (long h : hashes) {
                if (lru.put(h, Boolean.TRUE) == null) {
                    holders.compute(h, (k, v) -> with(v, endpoint));
                }
                while (lru.size() > capacity) {
                    Iterator<Long> oldest = lru.keySet().iterator();
                    long evicted = oldest.next();
                    oldest.remove();
                    holders.computeIfPresent(evicted, (k, v) -> without(v, endpoint));
                }
            }
        }
    }

    /** Forgets an endpoint that left the pool. */
    void remove(String endpoint) {
        Lru lru = lrus.remove(endpoint);
        if (lru != null) {
            synchronized (lru) {
                for (long h : lru.keySet()) {
                    holders.computeIfPresent(h, (k, v) -> without(v, endpoint));
                }
            }
        }
    }

    private static String[] with(String[] v, String e) {
        if (v == null) {
            return new String[] {e};
        }
        for (String x : v) {
            if (x.equals(e)) {
                return v;
            }
        }
        String[] out = Arrays.copyOf(v, v.length + 1);
        out[v.length] = e;
        return out;
    }

    private static String[] without(String[] v, String e) {
        int i = Arrays.asList(v).indexOf(e);
        if (i < 0) {
            return v;
        }
        if (v.length == 1) {
            return null; // drop the entry
        }
        String[] out = new String[v.length - 1];
        System.arraycopy(v, 0, out, 0, i);
        System.arraycopy(v, i + 1, out, i, v.length - i - 1);
        return out;
    }

    private static long fnv(CharSequence s, int from, int to, long h) {
        for (int i = from; i < to; i++) {
            h ^= s.charAt(i);
            h *= 0x100000001b3L;
        }
        return h;
    }

    private static long mix(long h) {
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        return h ^ (h >>> 33);
    }

    /** Access-ordered: the head is the least recently recorded block. */
    private static final class Lru extends LinkedHashMap<Long, Boolean> {
        private static final long serialVersionUID = 1L;

        Lru() {
            super(64, 0.75f, true);
        }
    }
}
