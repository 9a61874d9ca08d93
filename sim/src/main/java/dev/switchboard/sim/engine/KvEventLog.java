package dev.switchboard.sim.engine;

import dev.switchboard.core.kvevents.KvEvent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The KV-cache events of one engine step, as vLLM's block pool makes them: a {@code BlockStored} for each run of
 * consecutive blocks one sequence registered (with the parent's hash and the blocks' tokens), a
 * {@code BlockRemoved} for each evicted block. Owned by the engine thread.
 */
final class KvEventLog {
    private final int blockSize;
    private final List<KvEvent> events = new ArrayList<>();
    // the run of stored blocks being built: one sequence's consecutive blocks
    private GenerationRequest runOf;
    private int runFirst;
    private int runEnd;

    KvEventLog(int blockSize) {
        this.blockSize = blockSize;
    }

    /** Block {@code index} of {@code request}'s prompt was registered under its hash. */
    void stored(GenerationRequest request, int index) {
        if (request.promptIds().length < (index + 1) * blockSize) {
            return; // tokens not kept: a subscriber could not say what the block holds
        }
        if (runOf != request || runEnd != index) {
            flushRun();
            runOf = request;
            runFirst = index;
        }
        runEnd = index + 1;
    }

    void removed(long hash) {
        flushRun();
        events.add(new KvEvent.BlockRemoved(new long[] {hash}, "GPU"));
    }

    /** The step's events, in order, and a fresh start; empty when nothing changed. */
    List<KvEvent> drain() {
        flushRun();
        if (events.isEmpty()) {
            return List.of();
        }
        List<KvEvent> out = List.copyOf(events);
        events.clear();
        return out;
    }

    private void flushRun() {
        if (runOf == null) {
            return;
        }
        long[] hashes = Arrays.copyOfRange(runOf.blockHashes(), runFirst, runEnd);
        long[] tokens = Arrays.copyOfRange(runOf.promptIds(), runFirst * blockSize, runEnd * blockSize);
        boolean hasParent = runFirst > 0;
        long parent = hasParent ? runOf.blockHashes()[runFirst - 1] : KvEvent.NO_PARENT;
        // lora_id: vLLM's is the adapter's integer id; the simulator has names, so any adapter is id 1
        events.add(new KvEvent.BlockStored(hashes, hasParent, parent, tokens, blockSize,
                runOf.adapter() == null ? -1 : 1, "GPU"));
        runOf = null;
    }
}
