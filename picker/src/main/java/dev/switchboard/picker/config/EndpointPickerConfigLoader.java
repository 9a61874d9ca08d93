package dev.switchboard.picker.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.switchboard.core.config.ConfigException;
import dev.switchboard.core.config.Fields;
import dev.switchboard.picker.flowcontrol.SaturationDetector;
import dev.switchboard.picker.flowcontrol.UtilizationDetector;
import dev.switchboard.picker.plugins.picker.MaxScorePicker;
import dev.switchboard.picker.scheduling.Filter;
import dev.switchboard.picker.scheduling.PickObserver;
import dev.switchboard.picker.scheduling.Picker;
import dev.switchboard.picker.scheduling.Plugin;
import dev.switchboard.picker.scheduling.ResponseHeaderProcessor;
import dev.switchboard.picker.scheduling.SchedulingProfile;
import dev.switchboard.picker.scheduling.Scorer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads an {@code EndpointPickerConfig} (the reference EPP's format: {@code plugins[]{name,type,parameters}},
 * {@code schedulingProfiles[]{name, plugins[]{pluginRef, weight}}}, {@code featureGates}, {@code flowControl},
 * {@code saturationDetector}) into a scheduling profile, a saturation detector and the flow control settings.
 */
public final class EndpointPickerConfigLoader {
    /*
     * Phases, as the reference loader: strict decode (unknown fields fail) -> every type must be registered ->
     * instantiate each plugin once (a plugin referenced by two profiles is one instance, so a prefix index is
     * shared) -> build the profile: filters and scorers in listed order, scorers weighted (1 when not given), a
     * max-score-picker when no picker is listed. A pool without a config gets Switchboard's default,
     * predicted-ttft; the reference's default (queue-scorer 2, kv-cache-utilization-scorer 2, prefix-cache-scorer 3,
     * max-score-picker) is the built-in "reference". Types are the built-ins plus those of PluginProviders on the
     * class path (PluginRegistry); the built-in profiles use built-in plugins only.
     */
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private EndpointPickerConfigLoader() {}

    /** The reference EPP's default profile: queue 2, kv-cache 2, prefix 3, max-score. */
    public static final String REFERENCE = "reference";
    /** Switchboard's profile: predicted time to first token, max-score (see PredictedTtftScorer). */
    public static final String PREDICTED_TTFT = "predicted-ttft";
    /** Baseline: endpoints in turn, as a Service would. */
    public static final String ROUND_ROBIN = "round-robin";
    /** Baseline: fewest requests in flight from this gateway. */
    public static final String LEAST_IN_FLIGHT = "least-in-flight";
    /**
     * llm-d's "sticky until saturated" as published (2026-08): prefix-cache-affinity-filter (0.8) with one calibrated
     * peakPrefillThroughput for the pool, token-load-scorer, max-score. The throughput here is the h100-8b simulator's
     * (55 µs a prompt token) at bench-picker's default time scale 4, 72,000 tokens/s: the calibration llm-d asks its
     * users to run, done for them; on anything else it is wrong, which is the point of {@link #STICKY_LEARNED}.
     */
    public static final String STICKY = "sticky";
    /** The same routing with nothing to calibrate: each endpoint's prefill throughput learned from its answers. */
    public static final String STICKY_LEARNED = "sticky-learned";

    private static final Map<String, String> BUILT_IN = Map.of(
            REFERENCE, profileYaml("""
                    - type: queue-scorer
                    - type: kv-cache-utilization-scorer
                    - type: prefix-cache-scorer
                    - type: max-score-picker
                    """, """
                    - {pluginRef: queue-scorer, weight: 2}
                    - {pluginRef: kv-cache-utilization-scorer, weight: 2}
                    - {pluginRef: prefix-cache-scorer, weight: 3}
                    - {pluginRef: max-score-picker}
                    """),
            PREDICTED_TTFT, profileYaml("""
                    - type: prefix-cache-affinity-filter
                      parameters: {affinityThreshold: 0.8, maxTTFTPenaltyMs: 1000, penaltyUpToSavedPrefill: true}
                    - type: predicted-ttft-scorer
                    - type: max-score-picker
                    """, """
                    - {pluginRef: prefix-cache-affinity-filter}
                    - {pluginRef: predicted-ttft-scorer}
                    - {pluginRef: max-score-picker}
                    """),
            STICKY, profileYaml("""
                    - type: prefix-cache-affinity-filter
                      parameters: {affinityThreshold: 0.8, maxTTFTPenaltyMs: 1000, peakPrefillThroughput: 72000}
                    - type: token-load-scorer
                    - type: max-score-picker
                    """, """
                    - {pluginRef: prefix-cache-affinity-filter}
                    - {pluginRef: token-load-scorer}
                    - {pluginRef: max-score-picker}
                    """),
            STICKY_LEARNED, profileYaml("""
                    - type: prefix-cache-affinity-filter
                      parameters: {affinityThreshold: 0.8, maxTTFTPenaltyMs: 1000}
                    - type: token-load-scorer
                      parameters: {perEndpointRate: true}
                    - type: max-score-picker
                    """, """
                    - {pluginRef: prefix-cache-affinity-filter}
                    - {pluginRef: token-load-scorer}
                    - {pluginRef: max-score-picker}
                    """),
            ROUND_ROBIN, profileYaml("""
                    - type: round-robin-picker
                    """, """
                    - {pluginRef: round-robin-picker}
                    """),
            LEAST_IN_FLIGHT, profileYaml("""
                    - type: active-request-scorer
                    - type: max-score-picker
                    """, """
                    - {pluginRef: active-request-scorer}
                    - {pluginRef: max-score-picker}
                    """));

    private static String profileYaml(String plugins, String refs) {
        return "apiVersion: inference.networking.x-k8s.io/v1alpha1\nkind: EndpointPickerConfig\nplugins:\n" + plugins
                + "schedulingProfiles:\n- name: default\n  plugins:\n" + refs.indent(2);
    }

    /**
     * The profile a pool gets when it names none: predicted-ttft, which beats the reference's default on the
     * reference's own prefix-cache benchmark (docs/picker.md).
     */
    public static SchedulingProfile defaults() {
        return builtIn(PREDICTED_TTFT);
    }

    /** The names of the built-in profiles, for {@link #builtIn}. */
    public static Set<String> builtInNames() {
        return new TreeSet<>(BUILT_IN.keySet());
    }

    /** A new instance of the built-in profile {@code name} (see the constants), or null when there is none. */
    public static SchedulingProfile builtIn(String name) {
        String yaml = BUILT_IN.get(name);
        if (yaml == null) {
            return null;
        }
        try {
            return load(yaml, "built-in EndpointPickerConfig " + name, PluginRegistry.inTree()).profile();
        } catch (ConfigException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The default profile, the {@code utilization-detector} with its defaults, flow control off. */
    public static EndpointPickerConfig defaultConfig() {
        return new EndpointPickerConfig(defaults(), UtilizationDetector.defaults(), null);
    }

    /** The scheduling profile of an {@code EndpointPickerConfig}; {@code source} names it in errors. */
    public static SchedulingProfile parse(String yaml, String source) throws ConfigException {
        return load(yaml, source).profile();
    }

    /** A whole {@code EndpointPickerConfig}: profile, saturation detector and flow control. */
    public static EndpointPickerConfig load(String yaml, String source) throws ConfigException {
        return load(yaml, source, PluginRegistry.standard());
    }

    /**
     * An EndpointPickerConfig document of the gateway's file (core keeps it whole: it knows no plugins); errors carry
     * the document's location.
     */
    public static EndpointPickerConfig load(Fields document) throws ConfigException {
        return read(document, PluginRegistry.standard());
    }

    private static EndpointPickerConfig load(String yaml, String source, PluginRegistry registry) throws ConfigException {
        JsonNode root;
        try {
            root = YAML.readTree(yaml);
        } catch (JsonProcessingException e) {
            throw new ConfigException(source + ": not valid YAML: " + e.getOriginalMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new ConfigException(source + ": expected an EndpointPickerConfig object");
        }
        return read(new Fields(root, source, ""), registry);
    }

    private static EndpointPickerConfig read(Fields f, PluginRegistry registry) throws ConfigException {
        f.only("apiVersion", "kind", "metadata", "featureGates", "plugins", "schedulingProfiles", "flowControl",
                "saturationDetector");
        String kind = f.string("kind");
        if (!kind.equals("EndpointPickerConfig")) {
            throw f.error("kind", "expected EndpointPickerConfig, got '" + kind + "'");
        }
        Map<String, Plugin> plugins = new LinkedHashMap<>();
        for (Fields p : f.list("plugins", x -> x)) {
            p.only("name", "type", "parameters");
            String type = p.string("type");
            PluginFactory factory = registry.factory(type);
            if (factory == null) {
                throw p.error("type", "plugin type '" + type + "' is not registered; registered: "
                        + String.join(", ", registry.types()));
            }
            String name = p.optionalString("name", type);
            Plugin plugin;
            try {
                plugin = factory.create(name, p.optionalObject("parameters"));
            } catch (IllegalArgumentException e) {
                throw p.error("parameters", e.getMessage());
            } catch (RuntimeException e) { // a third-party factory's bug: still a message, not a stack trace
                throw p.error("parameters", "plugin type '" + type + "' failed to build: " + e);
            }
            if (plugin == null) {
                throw p.error("type", "the factory of plugin type '" + type + "' returned no plugin");
            }
            if (plugins.putIfAbsent(name, plugin) != null) {
                throw p.error("name", "a second plugin is named '" + name + "'");
            }
        }
        List<Fields> profiles = f.list("schedulingProfiles", x -> x);
        if (profiles.size() != 1) {
            throw f.error("schedulingProfiles", "expected exactly one profile (multi-profile handlers are not supported yet),"
                    + " got " + profiles.size());
        }
        SchedulingProfile profile = profile(profiles.get(0), plugins);
        boolean flowControl = FeatureGates.flowControl(f);
        return new EndpointPickerConfig(profile, saturationDetector(f, plugins),
                FlowControlConfigReader.read(f, plugins, flowControl));
    }

    /**
     * The detector {@code flowControl.saturationDetector.pluginRef} names (or, deprecated, the top-level
     * {@code saturationDetector.pluginRef}); without one, the plugin named {@code utilization-detector} if the
     * config declares it, else a {@code utilization-detector} with its defaults.
     */
    private static SaturationDetector saturationDetector(Fields f, Map<String, Plugin> plugins) throws ConfigException {
        Fields ref = f.optionalObject("flowControl").has("saturationDetector")
                ? f.optionalObject("flowControl").object("saturationDetector")
                : f.optionalObject("saturationDetector");
        ref.only("pluginRef");
        String name = ref.optionalString("pluginRef", "");
        if (name.isEmpty()) {
            return plugins.get(UtilizationDetector.TYPE) instanceof SaturationDetector d ? d : UtilizationDetector.defaults();
        }
        Plugin p = plugins.get(name);
        if (p == null) {
            throw ref.error("pluginRef", "no plugin named '" + name + "' in plugins; named: "
                    + String.join(", ", plugins.keySet()));
        }
        if (!(p instanceof SaturationDetector d)) {
            throw ref.error("pluginRef", "'" + name + "' is a " + p.typedName().type() + ", not a saturation detector"
                    + " (utilization-detector)");
        }
        return d;
    }

    private static SchedulingProfile profile(Fields p, Map<String, Plugin> plugins) throws ConfigException {
        p.only("name", "plugins");
        List<Filter> filters = new ArrayList<>();
        List<SchedulingProfile.WeightedScorer> scorers = new ArrayList<>();
        List<PickObserver> observers = new ArrayList<>();
        List<ResponseHeaderProcessor> responseProcessors = new ArrayList<>();
        Picker picker = null;
        for (Fields ref : p.list("plugins", x -> x)) {
            ref.only("pluginRef", "weight");
            String name = ref.string("pluginRef");
            Plugin plugin = plugins.get(name);
            if (plugin == null) {
                throw ref.error("pluginRef", "no plugin named '" + name + "' in plugins; named: "
                        + String.join(", ", plugins.keySet()));
            }
            if (plugin instanceof Filter filter) {
                filters.add(filter);
            }
            if (plugin instanceof Scorer scorer) {
                scorers.add(new SchedulingProfile.WeightedScorer(scorer, ref.number("weight", 1, 0, 1_000_000)));
            } else if (ref.has("weight")) {
                throw ref.error("weight", "only scorers take a weight; '" + name + "' is a "
                        + plugin.typedName().type());
            }
            if (plugin instanceof Picker pk) {
                if (picker != null) {
                    throw ref.error("pluginRef", "a profile has one picker; '" + picker.typedName().name()
                            + "' is already its picker");
                }
                picker = pk;
            }
            if (plugin instanceof PickObserver o) {
                observers.add(o);
            }
            if (plugin instanceof ResponseHeaderProcessor r) {
                responseProcessors.add(r);
            }
        }
        return new SchedulingProfile(p.string("name"), filters, scorers,
                picker != null ? picker : new MaxScorePicker(MaxScorePicker.TYPE, 1), observers, responseProcessors);
    }
}
