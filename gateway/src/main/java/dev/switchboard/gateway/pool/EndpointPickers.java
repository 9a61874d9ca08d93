package dev.switchboard.gateway.pool;

import dev.switchboard.core.config.ConfigException;
import dev.switchboard.core.config.GatewayConfig;
import dev.switchboard.core.config.PoolConfig;
import dev.switchboard.picker.config.EndpointPickerConfig;
import dev.switchboard.picker.config.EndpointPickerConfigLoader;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads each InferencePool's {@code EndpointPickerConfig} (the document its {@code endpointPickerRef} names, else
 * the reference defaults). Core's loader only checks that document's kind and name; this is where the rest of it
 * is validated, so every path that accepts a configuration (start, reload, {@code switchboard validate}) calls it.
 */
public final class EndpointPickers {
    private EndpointPickers() {}

    /** Each pool's picker configuration by pool name; a fresh instance per pool (plugins hold per-pool state). */
    public static Map<String, EndpointPickerConfig> load(GatewayConfig config) throws ConfigException {
        Map<String, EndpointPickerConfig> out = new LinkedHashMap<>();
        for (PoolConfig p : config.pools()) {
            out.put(p.name(), p.endpointPicker() == null ? EndpointPickerConfigLoader.defaultConfig()
                    : EndpointPickerConfigLoader.load(p.endpointPicker().document(), p.endpointPicker().where()));
        }
        return out;
    }
}
