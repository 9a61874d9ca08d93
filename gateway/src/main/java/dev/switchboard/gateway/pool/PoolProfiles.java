package dev.switchboard.gateway.pool;

import dev.switchboard.core.config.ConfigException;
import dev.switchboard.core.config.GatewayConfig;
import dev.switchboard.core.config.PoolConfig;
import dev.switchboard.picker.config.EndpointPickerConfigLoader;
import dev.switchboard.picker.scheduling.SchedulingProfile;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Each InferencePool's scheduling profile: the EndpointPickerConfig its {@code endpointPickerRef} names, or the
 * reference default (queue 2, kv-cache 2, prefix 3, max-score). Core keeps those documents unread (it knows no
 * plugins), so this is where their plugin types and parameters are checked: before any pool starts, and by
 * {@code switchboard validate}.
 */
public final class PoolProfiles {
    private PoolProfiles() {}

    /** A new profile per pool (plugins with state, such as the prefix index, are never shared between pools). */
    public static Map<String, SchedulingProfile> build(GatewayConfig config) throws ConfigException {
        Map<String, SchedulingProfile> out = new LinkedHashMap<>();
        for (PoolConfig p : config.pools()) {
            out.put(p.name(), p.picker() == null ? EndpointPickerConfigLoader.defaults()
                    : EndpointPickerConfigLoader.load(p.picker().document()));
        }
        return out;
    }
}
