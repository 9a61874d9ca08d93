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
import java.util.function.ToLongFunction;

/**
 * The KV-event subscribers' health, one home for the gateway's and the endpoint picker's admin ports: messages,
 * refusals and sequence gaps per bound address, and the blocks each publishing server holds. No subscriber, no
 * series.
 */
public final class KvEventMetrics {
    private KvEventMetrics() {}

    /** Exports every subscriber of this process, read at every scrape. Once per registry. */
    public static void register(PrometheusRegistry registry) {
        perAddress(registry, KV_EVENT_MESSAGES, "KV-cache event messages received and applied, per subscriber address.",
                KvEventSubscriber::messages);
        perAddress(registry, KV_EVENT_REJECTED, "KV-cache event messages refused: a topic not kv@<pod>@<model>, bad"
                + " frames or payload.", KvEventSubscriber::rejected);
        perAddress(registry, KV_EVENT_GAPS, "Sequence gaps: messages a server sent that never arrived; blocks it"
                + " evicted meanwhile may still be scored as held until it evicts or clears again.",
                KvEventSubscriber::gaps);
        perAddress(registry, KV_EVENT_SKIPPED_BLOCKS, "Stored blocks not indexed: a LoRA adapter's, another block size,"
                + " an unknown parent, or over the per-server capacity.", s -> s.index().skipped());
        GaugeWithCallback.builder().name(KV_EVENT_BLOCKS)
                .help("KV blocks each publishing server holds, as its events say.")
                .labelNames(LABEL_KV_EVENTS_ADDRESS, LABEL_ENDPOINT)
                .callback(cb -> KvEventSubscriber.all().forEach(s -> s.index().servers().forEach(server ->
                        cb.call(s.index().blocks(server), s.address(), server))))
                .register(registry);
    }

    private static void perAddress(PrometheusRegistry registry, String name, String help,
            ToLongFunction<KvEventSubscriber> count) {
        CounterWithCallback.builder().name(name).help(help).labelNames(LABEL_KV_EVENTS_ADDRESS)
                .callback(cb -> KvEventSubscriber.all().forEach(s -> cb.call(count.applyAsLong(s), s.address())))
                .register(registry);
    }
}
