package dev.switchboard.core.kvevents;

import java.util.List;

/**
 * The payload of one message on vLLM's KV-event stream: the events of one engine step.
 *
 * @param timestamp        seconds since the epoch
 * @param events           in the order the engine made them
 * @param dataParallelRank the engine's data-parallel rank, or -1 when not sent
 */
public record KvEventBatch(double timestamp, List<KvEvent> events, int dataParallelRank) {
    public KvEventBatch {
        events = List.copyOf(events);
    }
}
