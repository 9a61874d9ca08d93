package dev.switchboard.picker.plugins.scorer;

import dev.switchboard.picker.datalayer.ModelServerMetrics;
import dev.switchboard.picker.pool.Endpoint;
import dev.switchboard.picker.scheduling.EndpointState;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which LoRA adapters each endpoint runs, for the predicted-ttft scorer: the scraped {@code lora_requests_info}
 * plus the adapters this gateway sent there since (a scrape lags, and a burst for a new adapter would otherwise
 * find the same free slot everywhere). Thread-safe.
 */
final class AdapterSlots {
    /*
     * What the scraped lists cannot tell: whether a model is an adapter at all (a base-model request needs no slot,
     * and the pool does not name its base model). A model is taken as an adapter once some endpoint has reported it
     * running or waiting; until then (the base model, or an adapter nobody has run yet) it is priced without slots.
     * Known adapters are capped; past the cap the set starts over, which only costs re-learning.
     */
    static final int MAX_KNOWN = 4096;

    private final long horizonNanos;
    private final Set<String> known = ConcurrentHashMap.newKeySet();
    /** Per endpoint: adapter -> when this gateway last sent it there. */
    private final Map<Endpoint, Map<String, Long>> sent = new ConcurrentHashMap<>();

    /** @param horizonNanos how long a sent adapter counts as running there without the scrape saying so */
    AdapterSlots(long horizonNanos) {
        this.horizonNanos = horizonNanos;
    }

    /** Whether {@code model} is known as a LoRA adapter (see {@link #isAdapter}). */
    boolean known(String model) {
        return known.contains(model);
    }

    /** Whether {@code model} is a LoRA adapter, as far as the candidates' reports (now or before) tell. */
    boolean isAdapter(String model, List<EndpointState> endpoints) {
        if (known.contains(model)) {
            return true;
        }
        for (EndpointState e : endpoints) {
            ModelServerMetrics m = e.metrics();
            if (m != null && (m.runningAdapters().contains(model) || m.waitingAdapters().contains(model))) {
                if (known.size() >= MAX_KNOWN) {
                    known.clear();
                }
                known.add(model);
                return true;
            }
        }
        return false;
    }

    /** Where an adapter stands at an endpoint. */
    enum Slot {
        /** Running there (or just sent there); or the endpoint reports nothing about adapters, so no cost is known. */
        LOADED,
        /** Not running, and a slot is free: the adapter is loaded and takes it. */
        FREE,
        /** Not running, and every slot is taken: the request waits until some adapter drains. */
        FULL
    }

    Slot slot(EndpointState e, String adapter, long now) {
        ModelServerMetrics m = e.metrics(); // even when stale: which adapters run changes slower than the load
        if (m == null || m.maxLoras() < 0) {
            return Slot.LOADED;
        }
        Map<String, Long> recent = sent.getOrDefault(e.endpoint(), Map.of());
        Long at = recent.get(adapter);
        if (m.runningAdapters().contains(adapter) || (at != null && now - at < horizonNanos)) {
            return Slot.LOADED;
        }
        Set<String> busy = new HashSet<>(m.runningAdapters());
        recent.forEach((name, t) -> {
            if (now - t < horizonNanos) {
                busy.add(name);
            }
        });
        return busy.size() < m.maxLoras() ? Slot.FREE : Slot.FULL;
    }

    /** Records that {@code adapter} was sent to {@code e}, forgetting what is past the horizon there. */
    void sent(Endpoint e, String adapter, long now) {
        Map<String, Long> recent = sent.computeIfAbsent(e, k -> new ConcurrentHashMap<>());
        recent.values().removeIf(t -> now - t >= horizonNanos);
        recent.put(adapter, now);
    }

    void remove(Endpoint e) {
        sent.remove(e);
    }
}
