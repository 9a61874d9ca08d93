package dev.switchboard.core.config;

import java.util.List;

/**
 * The LoRA adapters of one base model, from a {@code ConfigMap} in the format of the Gateway API Inference
 * Extension's body-based router ({@code data.baseModel}, {@code data.adapters}: a YAML list in a string). Body-based
 * routing sends an adapter's requests with its base model in {@code x-gateway-base-model-name}, so one route per
 * base model serves all its adapters. Several ConfigMaps may name the same base model.
 *
 * @param baseModel the base model's name
 * @param adapters  the adapters that run on it
 */
public record LoraAdapters(String baseModel, List<String> adapters) {
    public LoraAdapters {
        adapters = List.copyOf(adapters);
    }
}
