package dev.switchboard.picker.config;

import dev.switchboard.core.config.ConfigException;
import dev.switchboard.core.config.Fields;
import dev.switchboard.picker.flowcontrol.FlowControlConfig;
import dev.switchboard.picker.scheduling.Plugin;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads an {@code EndpointPickerConfig}'s {@code flowControl} section with the reference field names:
 * {@code maxBytes}, {@code maxRequests}, {@code defaultRequestTTL}, {@code defaultPriorityBand},
 * {@code defaultNegativePriorityBand}, {@code priorityBands[]{priority, maxBytes, maxRequests, fairnessPolicyRef,
 * orderingPolicyRef}}, {@code saturationDetector}. Fields of features Switchboard does not have are errors that say
 * so, rather than settings silently ignored.
 */
final class FlowControlConfigReader {
    private FlowControlConfigReader() {}

    /**
     * The flow control settings, or null when the {@code flowControl} feature gate is off. As in the reference, the
     * gate turns flow control on; the section only tunes it.
     */
    static FlowControlConfig read(Fields root, Map<String, Plugin> plugins, boolean enabled) throws ConfigException {
        Fields fc = root.optionalObject("flowControl").only("maxBytes", "maxRequests", "defaultRequestTTL",
                "noEndpointRequestTTL", "defaultPriorityBand", "defaultNegativePriorityBand", "priorityBands",
                "usageLimitPolicyPluginRef", "saturationDetector", "enableEviction");
        if (!enabled) {
            for (var it = fc.fieldNames(); it.hasNext(); ) {
                String field = it.next();
                if (!field.equals("saturationDetector")) {
                    throw fc.error(field, "flow control is off; add 'featureGates: [flowControl]' to turn it on (as the"
                            + " reference EPP requires), or remove this setting");
                }
            }
            return null;
        }
        if (fc.has("noEndpointRequestTTL")) {
            throw fc.error("noEndpointRequestTTL", "not supported: a pool's endpoints come from the configuration"
                    + " file, so a request to a pool without endpoints gets a 503 at once instead of waiting");
        }
        if (fc.has("usageLimitPolicyPluginRef")) {
            throw fc.error("usageLimitPolicyPluginRef", "usage limit policies are not supported yet; every band"
                    + " dispatches while the pool's saturation is below 1.0 (the reference's static policy)");
        }
        if (fc.bool("enableEviction", false)) {
            throw fc.error("enableEviction", "evicting requests in flight is not supported yet");
        }
        Duration ttl = fc.duration("defaultRequestTTL", FlowControlConfig.DEFAULT_REQUEST_TTL);
        FlowControlConfig.Band dflt = fc.has("defaultPriorityBand")
                ? band(fc.object("defaultPriorityBand"), plugins, false) : FlowControlConfig.Band.DEFAULT;
        FlowControlConfig.Band negative = fc.has("defaultNegativePriorityBand")
                ? band(fc.object("defaultNegativePriorityBand"), plugins, false) : null;
        Map<Integer, FlowControlConfig.Band> bands = new HashMap<>();
        List<Fields> listed = fc.list("priorityBands", x -> x);
        for (Fields b : listed) {
            if (!b.has("priority")) {
                throw b.error("priority", "required: the priority this band is for");
            }
            int priority = b.integer("priority", 0, Integer.MIN_VALUE, Integer.MAX_VALUE);
            if (bands.put(priority, band(b, plugins, true)) != null) {
                throw b.error("priority", "a second band for priority " + priority);
            }
        }
        return new FlowControlConfig(fc.quantity("maxBytes", 0), fc.quantity("maxRequests", 0), ttl, bands, dflt,
                negative);
    }

    private static FlowControlConfig.Band band(Fields b, Map<String, Plugin> plugins, boolean listed)
            throws ConfigException {
        if (listed) {
            b.only("priority", "maxBytes", "maxRequests", "fairnessPolicyRef", "orderingPolicyRef");
        } else {
            b.only("maxBytes", "maxRequests", "fairnessPolicyRef", "orderingPolicyRef");
        }
        long maxBytes = b.quantity("maxBytes", 0);
        long maxRequests = b.quantity("maxRequests", 0);
        FlowControlConfig.Fairness fairness = FlowControlConfig.Fairness.ROUND_ROBIN;
        if (b.has("fairnessPolicyRef")) {
            String ref = b.string("fairnessPolicyRef");
            fairness = FlowControlConfig.Fairness.ofType(policyType(ref, plugins));
            if (fairness == null) {
                throw b.error("fairnessPolicyRef", "expected round-robin-fairness-policy or global-strict-fairness-policy"
                        + " (or the name of such a plugin), got '" + ref + "'");
            }
        }
        if (b.has("orderingPolicyRef")) {
            String ref = b.string("orderingPolicyRef");
            if (!FlowPolicyPlugin.FCFS.equals(policyType(ref, plugins))) {
                throw b.error("orderingPolicyRef", "only fcfs-ordering-policy is supported, got '" + ref + "'");
            }
        }
        // 0 or absent = the reference defaults (a band is always bounded)
        return new FlowControlConfig.Band(maxBytes > 0 ? maxBytes : FlowControlConfig.Band.DEFAULT_MAX_BYTES,
                maxRequests > 0 ? maxRequests : FlowControlConfig.Band.DEFAULT_MAX_REQUESTS, fairness);
    }

    /** The type of the policy a ref names: a plugin instance's type, or the ref itself (a framework default). */
    private static String policyType(String ref, Map<String, Plugin> plugins) {
        Plugin p = plugins.get(ref);
        return p != null ? p.typedName().type() : ref;
    }
}
