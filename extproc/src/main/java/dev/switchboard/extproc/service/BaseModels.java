package dev.switchboard.extproc.service;

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
