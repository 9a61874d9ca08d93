package dev.switchboard.picker.kvevents;

import static dev.switchboard.core.metrics.GenAiMetricNames.KV_EVENT_BLOCKS;
import static dev.switchboard.core.metrics.GenAiMetricNames.KV_EVENT_GAPS;
import static dev.switchboard.core.metrics.GenAiMetricNames.KV_EVENT_MESSAGES;
import static dev.switchboard.core.metrics.GenAiMetricNames.KV_EVENT_REJECTED;
import static dev.switchboard.core.metrics.GenAiMetricNames.KV_EVENT_SKIPPED_BLOCKS;
import static dev.switchboard.core.metrics.GenAiMetricNames.LABEL_ENDPOINT;
import static dev.switchboard.core.metrics.GenAiMetricNames.LABEL_KV_EVENTS_ADDRESS;

import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/**
 * The KV-event subscribers' health, one home for the gateway's and the endpoint picker's admin ports: messages,
 * refusals and sequence gaps per bound address, and the blocks each publishing server holds. No subscriber, no
 * series.
 */
public final class KvEventMetrics {
    private KvEventMetrics() {}

    /** Exports every subscriber of this process, read at every scrape. Once per registry. */
    public static void register(PrometheusRegistry registry) {
        CounterWithCallback.builder().name(KV_EVENT_MESSAGES)
                .help("KV-cache event messages received and applied, per subscriber address.")
                .labelNames(LABEL_KV_EVENTS_ADDRESS)
                .callback(cb -> KvEventSubscriber.all().forEach(s -> cb.call(s.messages(), s.address())))
                .register(registry);
        CounterWithCallback.builder().name(KV_EVENT_REJECTED)
                .help("KV-cache event messages refused: a topic not kv@<pod>@<model>, bad frames or payload.")
                .labelNames(LABEL_KV_EVENTS_ADDRESS)
                .callback(cb -> KvEventSubscriber.all().forEach(s -> cb.call(s.rejected(), s.address())))
                .register(registry);
        CounterWithCallback.builder().name(KV_EVENT_GAPS)
                .help("Sequence gaps: messages a server sent that never arrived (or a restart of its count); blocks"
                        + " it evicted meanwhile may still be scored as held until it evicts or clears again.")
                .labelNames(LABEL_KV_EVENTS_ADDRESS)
                .callback(cb -> KvEventSubscriber.all().forEach(s -> cb.call(s.gaps(), s.address())))
                .register(registry);
        CounterWithCallback.builder().name(KV_EVENT_SKIPPED_BLOCKS)
                .help("Stored blocks not indexed: a LoRA adapter's, another block size, an unknown parent, or over"
                        + " the per-server capacity.")
                .labelNames(LABEL_KV_EVENTS_ADDRESS)
                .callback(cb -> KvEventSubscriber.all().forEach(s -> cb.call(s.index().skipped(), s.address())))
                .register(registry);
        GaugeWithCallback.builder().name(KV_EVENT_BLOCKS)
                .help("KV blocks each publishing server holds, as its events say.")
                .labelNames(LABEL_KV_EVENTS_ADDRESS, LABEL_ENDPOINT)
                .callback(cb -> KvEventSubscriber.all().forEach(s -> s.index().servers().forEach(server ->
                        cb.call(s.index().blocks(server), s.address(), server))))
                .register(registry);
    }
}
