package dev.switchboard.sim.engine;

/** Chained hashes of a prompt's full KV blocks, as vLLM's prefix cache keys them. */
public final class BlockHasher {
    /*
     * h(block 0) = mix(seed, ids of block 0); h(block i) = mix(h(block i-1), ids of block i), where the seed is a
     * hash of the model or LoRA adapter name: blocks are shared only between requests with the same token prefix
     * on the same weights. Only full blocks are hashed (a partial last block is never cached), as in vLLM.
     */
    private BlockHasher() {}

    public static long[] hash(long[] tokenIds, int blockSize, String modelOrAdapter) {
        int blocks = tokenIds.length / blockSize;
        long[] out = new long[blocks];
        long h = mix(0x9E3779B97F4A7C15L, modelOrAdapter.hashCode());
        for (int b = 0; b < blocks; b++) {
            int base = b * blockSize;
            for (int i = 0; i < blockSize; i++) {
                h = mix(h, tokenIds[base + i]);
            }
            out[b] = h;
        }
        return out;
    }

    private static long mix(long h, long v) {
        h ^= v + 0x9E3779B97F4A7C15L + (h << 6) + (h >>> 2);
        h *= 0xbf58476d1ce4e5b9L;
        return h ^ (h >>> 31);
    }
}
