package dev.switchboard.picker.config;

import dev.switchboard.core.config.ConfigException;
import dev.switchboard.core.config.Fields;
import dev.switchboard.picker.plugins.filter.ByLabelFilter;
import dev.switchboard.picker.plugins.filter.LabelSelectorFilter;
import dev.switchboard.picker.plugins.filter.SessionAffinityFilter;
import dev.switchboard.picker.flowcontrol.FlowControlConfig;
import dev.switchboard.picker.flowcontrol.UtilizationDetector;
import dev.switchboard.picker.kvevents.KvEventSubscriber;
import dev.switchboard.picker.kvevents.KvEventsConfig;
import dev.switchboard.picker.plugins.filter.UtilizationFilter;
import dev.switchboard.picker.plugins.picker.MaxScorePicker;
import dev.switchboard.picker.plugins.picker.RandomPicker;
import dev.switchboard.picker.plugins.picker.RoundRobinPicker;
import dev.switchboard.picker.plugins.picker.WeightedRandomPicker;
import dev.switchboard.picker.plugins.scorer.ActiveRequestScorer;
import dev.switchboard.picker.plugins.scorer.KvCacheUtilizationScorer;
import dev.switchboard.picker.plugins.scorer.LoraAffinityScorer;
import dev.switchboard.picker.plugins.scorer.PredictedTtftScorer;
import dev.switchboard.picker.plugins.scorer.PrefixAffinityFilter;
import dev.switchboard.picker.plugins.scorer.TokenLoadScorer;
import dev.switchboard.picker.plugins.scorer.PrefixCacheScorer;
import dev.switchboard.picker.plugins.scorer.QueueScorer;
import dev.switchboard.picker.plugins.scorer.RunningRequestsSizeScorer;
import dev.switchboard.picker.plugins.scorer.SessionAffinityScorer;
import dev.switchboard.picker.scheduling.Plugin;
import dev.switchboard.picker.scheduling.TypedName;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Every built-in plugin, by the reference EPP's type name: the one list to read to know what a config may use.
 * A factory gets the instance name and its {@code parameters}, read strictly (unknown fields are errors).
 */
public final class InTreePlugins {
    /** Builds a plugin from its instance name and parameters. */
    @FunctionalInterface
    public interface Factory {
        Plugin create(String name, Fields parameters) throws ConfigException;
    }

    /** Type of the only profile handler: runs the one profile a config has. */
    public static final String SINGLE_PROFILE_HANDLER = "single-profile-handler";

    private static final Map<String, Factory> FACTORIES = new TreeMap<>();
    /** The prefix index's parameters, read by every prefix-aware plugin. */
    private static final List<String> PREFIX_PARAMETERS = List.of("blockSize", "maxPrefixBlocksToMatch",
            "lruCapacityPerServer", "autoTune", "maxIndexBytes", "kvEventsConfig", "tokenizer");
    /** The one tokenizer a prompt can be matched against KV events with. */
    private static final String SIMULATOR_TOKENIZER = "simulator";

    static {
        FACTORIES.put(QueueScorer.TYPE, (n, p) -> noParameters(p, new QueueScorer(n)));
        FACTORIES.put(KvCacheUtilizationScorer.TYPE, (n, p) -> noParameters(p, new KvCacheUtilizationScorer(n)));
        FACTORIES.put(RunningRequestsSizeScorer.TYPE, (n, p) -> noParameters(p, new RunningRequestsSizeScorer(n)));
        FACTORIES.put(LoraAffinityScorer.TYPE, (n, p) -> noParameters(p, new LoraAffinityScorer(n)));
        FACTORIES.put(ActiveRequestScorer.TYPE, (n, p) -> noParameters(p, new ActiveRequestScorer(n)));
        FACTORIES.put(PrefixCacheScorer.TYPE, (n, p) -> {
            p.only(PREFIX_PARAMETERS.toArray(String[]::new));
            return new PrefixCacheScorer(n, prefixParams(p, PrefixCacheScorer.Params.DEFAULTS));
        });
        FACTORIES.put(PredictedTtftScorer.TYPE, (n, p) -> {
            List<String> names = new ArrayList<>(PREFIX_PARAMETERS);
            names.addAll(List.of("runningRequestTokens", "kvPressureThreshold", "recomputeCost", "adapterLoadTokens",
                    "adapterSlotWaitTokens"));
            p.only(names.toArray(String[]::new));
            var d = PredictedTtftScorer.Params.DEFAULTS;
            return new PredictedTtftScorer(n, new PredictedTtftScorer.Params(prefixParams(p, d.prefix()),
                    p.number("runningRequestTokens", d.runningRequestTokens(), 0, 1 << 20),
                    p.number("kvPressureThreshold", d.kvPressureThreshold(), 0.01, 1),
                    p.number("recomputeCost", d.recomputeCost(), 0, 1000),
                    p.number("adapterLoadTokens", d.adapterLoadTokens(), 0, 1 << 30),
                    p.number("adapterSlotWaitTokens", d.adapterSlotWaitTokens(), 0, 1 << 30)));
        });
        FACTORIES.put(PrefixAffinityFilter.TYPE, (n, p) -> {
            List<String> names = new ArrayList<>(PREFIX_PARAMETERS);
            names.addAll(List.of("affinityThreshold", "maxTTFTPenaltyMs", "peakPrefillThroughput",
                    "penaltyUpToSavedPrefill", "saturatedKvUsage"));
            p.only(names.toArray(String[]::new));
            var d = PrefixAffinityFilter.Params.DEFAULTS;
            return new PrefixAffinityFilter(n, new PrefixAffinityFilter.Params(prefixParams(p, d.prefix()),
                    p.number("affinityThreshold", d.affinityThreshold(), 0.01, 1),
                    p.number("maxTTFTPenaltyMs", d.maxTtftPenaltyMs(), 0, 3_600_000),
                    p.number("peakPrefillThroughput", d.peakPrefillThroughput(), 0, 1e9),
                    p.bool("penaltyUpToSavedPrefill", d.penaltyUpToSavedPrefill()),
                    p.number("saturatedKvUsage", d.saturatedKvUsage(), 0.01, 1)));
        });
        FACTORIES.put(PrefixCacheScorer.PRECISE_TYPE, (n, p) -> {
            List<String> names = new ArrayList<>(PREFIX_PARAMETERS);
            names.add("indexerConfig");
            p.only(names.toArray(String[]::new));
            if (p.has("indexerConfig")) {
                throw p.error("indexerConfig", "is llm-d's tokenizer and index setup, not supported: Switchboard keeps "
                        + "its own index (the prefix parameters) and tokenizes with 'tokenizer'");
            }
            return new PrefixCacheScorer(PrefixCacheScorer.PRECISE_TYPE, n,
                    prefixParams(p, PrefixCacheScorer.Params.DEFAULTS, KvEventsConfig.DEFAULTS));
        });
        FACTORIES.put(TokenLoadScorer.TYPE, (n, p) -> {
            p.only("perEndpointRate");
            return new TokenLoadScorer(n, p.bool("perEndpointRate", false));
        });
        FACTORIES.put(MaxScorePicker.TYPE, (n, p) -> new MaxScorePicker(n, maxEndpoints(p)));
        FACTORIES.put(RandomPicker.TYPE, (n, p) -> new RandomPicker(n, maxEndpoints(p)));
        FACTORIES.put(RoundRobinPicker.TYPE, (n, p) -> new RoundRobinPicker(n, maxEndpoints(p)));
        FACTORIES.put(WeightedRandomPicker.TYPE, (n, p) -> new WeightedRandomPicker(n, maxEndpoints(p)));
        FACTORIES.put(SINGLE_PROFILE_HANDLER, (n, p) -> noParameters(p, new ProfileHandlerMarker(n)));
        FACTORIES.put(SessionAffinityScorer.TYPE, SessionAffinityScorer::create);
        FACTORIES.put(SessionAffinityFilter.TYPE, SessionAffinityFilter::create);
        FACTORIES.put(ByLabelFilter.TYPE, ByLabelFilter::create);
        FACTORIES.put(LabelSelectorFilter.TYPE, LabelSelectorFilter::create);
        FACTORIES.put(LabelSelectorFilter.DEPRECATED_TYPE, LabelSelectorFilter::create);
        FACTORIES.put(UtilizationFilter.TYPE, (n, p) -> new UtilizationFilter(n, utilization(p)));
        FACTORIES.put(UtilizationDetector.TYPE, (n, p) -> new UtilizationDetector(n, utilization(p)));
        for (FlowControlConfig.Fairness f : FlowControlConfig.Fairness.values()) {
            FACTORIES.put(f.type, (n, p) -> noParameters(p, new FlowPolicyPlugin(new TypedName(f.type, n))));
        }
        FACTORIES.put(FlowPolicyPlugin.FCFS, (n, p) -> noParameters(p, new FlowPolicyPlugin(new TypedName(FlowPolicyPlugin.FCFS, n))));
    }

    private InTreePlugins() {}

    /** The factory for {@code type}, or null when no such plugin is registered. */
    static Factory factory(String type) {
        return FACTORIES.get(type);
    }

    static java.util.Set<String> types() {
        return FACTORIES.keySet();
    }

    private static PrefixCacheScorer.Params prefixParams(Fields p, PrefixCacheScorer.Params d) throws ConfigException {
        return prefixParams(p, d, null);
    }

    /** @param events the KV-event setting when {@code kvEventsConfig} is absent (null: none) */
    private static PrefixCacheScorer.Params prefixParams(Fields p, PrefixCacheScorer.Params d, KvEventsConfig events)
            throws ConfigException {
        if (p.has("kvEventsConfig")) {
            Fields f = p.object("kvEventsConfig");
            f.only("zmqEndpoint", "topicFilter");
            try {
                events = new KvEventsConfig(f.optionalString("zmqEndpoint", KvEventsConfig.DEFAULTS.zmqEndpoint()),
                        f.optionalString("topicFilter", KvEventsConfig.DEFAULTS.topicFilter()));
            } catch (IllegalArgumentException e) {
                throw f.error("zmqEndpoint", e.getMessage());
            }
        }
        String tokenizer = p.optionalString("tokenizer", SIMULATOR_TOKENIZER);
        if (!tokenizer.equals(SIMULATOR_TOKENIZER)) {
            throw p.error("tokenizer", "only 'simulator' (Switchboard's simulator) is supported yet, got '" + tokenizer
                    + "': matching a real engine's blocks needs its model's tokenizer and chat template; use "
                    + PrefixCacheScorer.TYPE + " without kvEventsConfig for it");
        }
        if (p.has("tokenizer") && events == null) {
            throw p.error("tokenizer", "applies to KV events only: set kvEventsConfig too, or leave tokenizer out");
        }
        int blockSize = p.integer("blockSize", d.blockSize(), 1, 4096);
        if (events != null) {
            try { // bound here, so that a taken port is this field's error; the plugin gets the same subscriber
                KvEventSubscriber.shared(events.zmqEndpoint(), events.topicFilter(), blockSize);
            } catch (RuntimeException e) { // ZMQException, a malformed address, or another setting on the address
                throw p.error("kvEventsConfig", "cannot receive KV events on " + events.zmqEndpoint() + ": "
                        + e.getMessage());
            }
        }
        long maxIndexBytes = p.quantity("maxIndexBytes", d.maxIndexBytes());
        if (maxIndexBytes < PrefixCacheScorer.MIN_INDEX_BYTES || maxIndexBytes > PrefixCacheScorer.MAX_INDEX_BYTES) {
            throw p.error("maxIndexBytes", "expected a size from 1Mi to 16Gi, got "
                    + p.node().get("maxIndexBytes").asText());
        }
        return new PrefixCacheScorer.Params(blockSize,
                p.integer("maxPrefixBlocksToMatch", d.maxPrefixBlocksToMatch(), 1, 1 << 20),
                p.integer("lruCapacityPerServer", d.lruCapacityPerServer(), 1, 1 << 26),
                p.bool("autoTune", d.autoTune()), maxIndexBytes, events);
    }

    private static int maxEndpoints(Fields p) throws ConfigException {
        p.only("maxNumOfEndpoints");
        return p.integer("maxNumOfEndpoints", 1, 1, 1000);
    }

    /** The utilization detector's and filter's parameters (the reference's names and defaults). */
    private static UtilizationFilter.Params utilization(Fields p) throws ConfigException {
        p.only("queueDepthThreshold", "kvCacheUtilThreshold", "headroom", "metricsStalenessThreshold");
        var d = UtilizationFilter.Params.DEFAULTS;
        if (p.has("metricsStalenessThreshold")
                && !p.duration("metricsStalenessThreshold", null).equals(UtilizationFilter.STALENESS)) {
            throw p.error("metricsStalenessThreshold", "only 200ms is supported: the data layer marks metrics stale"
                    + " after 200 ms for every plugin");
        }
        return new UtilizationFilter.Params(p.integer("queueDepthThreshold", d.queueDepthThreshold(), 1, 1_000_000),
                p.number("kvCacheUtilThreshold", d.kvCacheUtilThreshold(), 0, 1),
                p.number("headroom", d.headroom(), 0, 100));
    }

    private static Plugin noParameters(Fields p, Plugin plugin) throws ConfigException {
        p.only();
        return plugin;
    }

    /** The single-profile handler: nothing to do at pick time, since a config has one profile. */
    record ProfileHandlerMarker(String name) implements Plugin {
        @Override
        public TypedName typedName() {
            return new TypedName(SINGLE_PROFILE_HANDLER, name);
        }
    }
}
