package dev.switchboard.sim.engine;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The LoRA adapters active in the running batch. At most {@code maxLoras} distinct adapters run at once; a request
 * for another adapter waits until one of them has no running request left (vLLM {@code --max-loras}).
 * Owned by the engine thread.
 */
final class LoraSlots {
    private final int maxLoras;
    /** Adapter name -> running sequences using it; insertion order is the order adapters became active. */
    private final Map<String, Integer> running = new LinkedHashMap<>();

    LoraSlots(int maxLoras) {
        this.maxLoras = maxLoras;
    }

    int max() {
        return maxLoras;
    }

    /** Whether a sequence for {@code adapter} (null = base model) may join the batch now. */
    boolean canRun(String adapter) {
        return adapter == null || running.containsKey(adapter) || running.size() < maxLoras;
    }

    void acquire(String adapter) {
        if (adapter != null) {
            running.merge(adapter, 1, Integer::sum);
        }
    }

    void release(String adapter) {
        if (adapter != null) {
            running.computeIfPresent(adapter, (k, n) -> n == 1 ? null : n - 1);
        }
    }

    Set<String> active() {
        return running.keySet();
    }
}
