package dev.switchboard.core.kvevents;

/**
 * One KV-cache event as vLLM's publisher sends it ({@code vllm.distributed.kv_events}): blocks stored, blocks
 * removed, or the whole cache cleared. Block hashes are the engine's own (opaque keys: a bytes hash is folded to its
 * first eight bytes); only {@link BlockStored#tokenIds()} says what a block holds.
 */
public sealed interface KvEvent {
    /** No parent: the first block of a chain. */
    long NO_PARENT = 0;

    /**
     * Full blocks newly cached, in chain order.
     *
     * @param blockHashes     the blocks' hashes, in order
     * @param hasParent       whether the first block follows a cached block
     * @param parentBlockHash that block's hash, when {@code hasParent}
     * @param tokenIds        the blocks' tokens, {@code blockSize} a block, in order
     * @param blockSize       tokens per block
     * @param loraId          the LoRA adapter's id, or -1 for the base model
     * @param medium          where the blocks live ({@code GPU}, {@code CPU}...), or null
     */
    record BlockStored(long[] blockHashes, boolean hasParent, long parentBlockHash, long[] tokenIds, int blockSize,
            int loraId, String medium) implements KvEvent {}

    /** Blocks evicted. */
    record BlockRemoved(long[] blockHashes, String medium) implements KvEvent {}

    /** Every block dropped (a cache reset or a restart). */
    record AllBlocksCleared() implements KvEvent {}
}
