package dev.switchboard.sim.engine;

import java.util.List;

/**
 * The engine's gauges after a step, published for {@code /metrics} and ORCA load reports.
 *
 * @param running         sequences in the batch
 * @param waiting         sequences queued (not yet admitted, or preempted)
 * @param kvUsage         fraction of KV blocks held by running sequences, 0..1
 * @param runningAdapters LoRA adapters in the batch
 * @param waitingAdapters LoRA adapters of waiting requests that are not in the batch
 * @param updatedEpochSeconds wall-clock time of the snapshot (the value of vllm:lora_requests_info)
 */
public record EngineSnapshot(
        int running, int waiting, double kvUsage, List<String> runningAdapters, List<String> waitingAdapters,
        double updatedEpochSeconds) {

    static final EngineSnapshot EMPTY = new EngineSnapshot(0, 0, 0, List.of(), List.of(), 0);
}
