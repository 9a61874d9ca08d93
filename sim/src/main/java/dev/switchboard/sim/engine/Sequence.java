package dev.switchboard.sim.engine;

import java.util.Arrays;

/** A request inside the engine: its progress and its block table. Mutated by the engine thread only. */
final class Sequence {
    final GenerationRequest request;
    final SequenceListener listener;
    final long arrivalNanos;
    /** Set from any thread when the client goes away; the engine drops the sequence at its next step. */
    volatile boolean cancelled;

    /** Tokens generated so far. */
    int generated;
    /** Tokens whose KV is computed. A sequence holds prompt + generated tokens; all but the newest need KV. */
    int computed;
    /** Prompt tokens found in the prefix cache at first admission (reported as cached_tokens). */
    int cachedTokens = -1;
    /** Leading prompt blocks already registered in the prefix cache. */
    int registeredBlocks;
    /** Tokens this sequence computes in the step being planned. */
    int scheduledTokens;
    int preemptions;

    long firstScheduledNanos = -1;
    long firstTokenNanos = -1;
    long lastTokenNanos = -1;

    private int[] blocks = new int[8];
    private int blockCount;

    Sequence(GenerationRequest request, SequenceListener listener, long arrivalNanos) {
        this.request = request;
        this.listener = listener;
        this.arrivalNanos = arrivalNanos;
    }

    /** Tokens the sequence holds: prompt plus generated. */
    int length() {
        return request.promptTokens() + generated;
    }

    boolean decoding() {
        return computed == length() - 1 && generated > 0;
    }

    int blockCount() {
        return blockCount;
    }

    int block(int i) {
        return blocks[i];
    }

    void addBlock(int block) {
        if (blockCount == blocks.length) {
            blocks = Arrays.copyOf(blocks, blockCount * 2);
        }
        blocks[blockCount++] = block;
    }

    /** Releases every block, newest first, so the tail of a prompt is evicted before its head. */
    void releaseBlocks(KvCache kv) {
        for (int i = blockCount - 1; i >= 0; i--) {
            kv.release(blocks[i]);
        }
        blockCount = 0;
        registeredBlocks = 0;
        computed = 0;
    }
}
