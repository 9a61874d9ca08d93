package dev.switchboard.extproc.service;

import dev.switchboard.core.config.LoraAdapters;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which base model each LoRA adapter runs on, for body-based routing: the {@code x-gateway-base-model-name} header
 * lets one Envoy route per base model serve every adapter of it. Immutable; replaced on reload.
 *
 * @param adapters adapter name → its base model
 * @param bases    the base models themselves (their own base)
 */
public record BaseModels(Map<String, String> adapters, Set<String> bases) {
    public static final BaseModels NONE = new BaseModels(Map.of(), Set.of());

    public BaseModels {
        adapters = Map.copyOf(adapters);
        bases = Set.copyOf(bases);
    }

    /** The lookup of a configuration's ConfigMaps; an adapter listed under two base models keeps the first. */
    public static BaseModels of(List<LoraAdapters> configMaps) {
        Map<String, String> adapters = new HashMap<>();
        Set<String> bases = new HashSet<>();
        for (LoraAdapters c : configMaps) {
            bases.add(c.baseModel());
            for (String a : c.adapters()) {
                adapters.putIfAbsent(a, c.baseModel());
            }
        }
        return new BaseModels(adapters, bases);
    }

    /** The base model of {@code model}: its base for an adapter, itself for a base model, "" when unknown. */
    public String of(String model) {
        String m = model.strip();
        String base = adapters.get(m);
        if (base != null) {
            return base;
        }
        return bases.contains(m) ? m : "";
    }
}
