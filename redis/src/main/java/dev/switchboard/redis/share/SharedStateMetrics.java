package dev.switchboard.redis.share;

import static dev.switchboard.core.metrics.GenAiMetricNames.LABEL_EVENT;
import static dev.switchboard.core.metrics.GenAiMetricNames.SHARED_STATE_CONNECTED;
import static dev.switchboard.core.metrics.GenAiMetricNames.SHARED_STATE_LAG;
import static dev.switchboard.core.metrics.GenAiMetricNames.SHARED_STATE_MESSAGES;
import static dev.switchboard.core.metrics.GenAiMetricNames.SHARED_STATE_PEERS;
import static dev.switchboard.core.metrics.GenAiMetricNames.SHARED_STATE_RECORDS_APPLIED;
import static dev.switchboard.core.metrics.GenAiMetricNames.SHARED_STATE_RECORDS_DROPPED;

import dev.switchboard.picker.pool.SharedPoolState;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.function.Consumer;
import java.util.function.Supplier;

/** The shared-state metrics, one home for the gateway's and the endpoint picker's admin ports. */
public final class SharedStateMetrics {
    private SharedStateMetrics() {}

    /**
     * Exports what sharing pool state with other replicas does (--share-state), read from {@code stats} at every
     * scrape, into {@code registry}; nothing while it returns null (no sharing). Once per registry.
     */
    public static void register(PrometheusRegistry registry, Supplier<SharedPoolState.Stats> stats) {
        GaugeWithCallback.builder().name(SHARED_STATE_CONNECTED)
                .help("1 while this replica shares prefix blocks and in-flight counts with its peers, 0 while it"
                        + " picks on what it knows alone (the shared store cannot be reached).")
                .callback(cb -> ifSharing(stats, s -> cb.call(s.connected() ? 1 : 0))).register(registry);
        GaugeWithCallback.builder().name(SHARED_STATE_PEERS)
                .help("Peer replicas heard from recently; their in-flight counts add to this replica's.")
                .callback(cb -> ifSharing(stats, s -> cb.call(s.peers()))).register(registry);
        GaugeWithCallback.builder().name(SHARED_STATE_LAG)
                .help("Age of the latest peer message when it was applied (the sender's clock to this one's).")
                .callback(cb -> ifSharing(stats, s -> cb.call(s.lagSeconds()))).register(registry);
        CounterWithCallback.builder().name(SHARED_STATE_MESSAGES)
                .help("Shared-state messages: published, received from peers, dropped (unsent while disconnected or"
                        + " backed up, or unreadable).")
                .labelNames(LABEL_EVENT)
                .callback(cb -> ifSharing(stats, s -> {
                    cb.call(s.published(), "published");
                    cb.call(s.received(), "received");
                    cb.call(s.droppedMessages(), "dropped");
                })).register(registry);
        CounterWithCallback.builder().name(SHARED_STATE_RECORDS_APPLIED)
                .help("Peers' pick records (prefix blocks they sent to an endpoint) entered into this replica's"
                        + " prefix indexes.")
                .callback(cb -> ifSharing(stats, s -> cb.call(s.recordsApplied()))).register(registry);
        CounterWithCallback.builder().name(SHARED_STATE_RECORDS_DROPPED)
                .help("Pick records (prefix blocks sent to an endpoint) not told to the peers: queue full or no"
                        + " connection.")
                .callback(cb -> ifSharing(stats, s -> cb.call(s.droppedRecords()))).register(registry);
    }

    private static void ifSharing(Supplier<SharedPoolState.Stats> stats, Consumer<SharedPoolState.Stats> export) {
        SharedPoolState.Stats s = stats.get();
        if (s != null) {
            export.accept(s);
        }
    }
}
