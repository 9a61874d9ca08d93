package dev.switchboard.picker.datalayer;

import java.util.Locale;
import java.util.Set;

/**
 * The metric names of each model-server engine (the Gateway API Inference Extension's model server protocol),
 * chosen per endpoint by a label (default vLLM).
 */
public enum EngineType {
    /** vLLM. {@code vllm:gpu_cache_usage_perc} is the pre-0.9 name of the KV gauge. */
    VLLM("vllm:num_requests_waiting", "vllm:num_requests_running", "vllm:kv_cache_usage_perc",
            "vllm:gpu_cache_usage_perc", "vllm:cache_config_info", "vllm:lora_requests_info"),
    /** SGLang; cache_config_info carries page_size and num_pages. */
    SGLANG("sglang:num_queue_reqs", "sglang:num_running_reqs", "sglang:token_usage", null,
            "sglang:cache_config_info", null),
    /** TensorRT-LLM's trtllm-serve. */
    TRTLLM("trtllm_num_requests_waiting", "trtllm_num_requests_running", "trtllm_kv_cache_utilization", null,
            null, null),
    /** Triton with the TensorRT-LLM backend: request and KV gauges told apart by a label. */
    TRITON("nv_trt_llm_request_metrics", "nv_trt_llm_request_metrics", "nv_trt_llm_kv_cache_block_metrics", null,
            null, null);

    /** The endpoint label that names the engine (llm-d's; the older inference.networking.k8s.io one is accepted). */
    public static final String LABEL = "llm-d.ai/engine-type";
    public static final String LEGACY_LABEL = "inference.networking.k8s.io/engine-type";

    final String waiting;
    final String running;
    final String kvUsage;
    final String kvUsageLegacy;
    final String cacheConfig;
    final String lora;

    EngineType(String waiting, String running, String kvUsage, String kvUsageLegacy, String cacheConfig, String lora) {
        this.waiting = waiting;
        this.running = running;
        this.kvUsage = kvUsage;
        this.kvUsageLegacy = kvUsageLegacy;
        this.cacheConfig = cacheConfig;
        this.lora = lora;
    }

    /** Every metric name this engine's extraction reads. */
    Set<String> names() {
        java.util.Set<String> s = new java.util.LinkedHashSet<>();
        for (String n : new String[] {waiting, running, kvUsage, kvUsageLegacy, cacheConfig, lora,
            this == TRTLLM ? "trtllm_kv_cache_tokens_per_block" : null, this == TRTLLM ? "trtllm_kv_cache_max_blocks" : null}) {
            if (n != null) {
                s.add(n);
            }
        }
        return Set.copyOf(s);
    }

    /** The engine named by a label value (vllm, sglang, trtllm / trtllm-serve, triton); null when unknown. */
    public static EngineType of(String label) {
        if (label == null || label.isBlank()) {
            return VLLM;
        }
        return switch (label.trim().toLowerCase(Locale.ROOT)) {
            case "vllm" -> VLLM;
            case "sglang" -> SGLANG;
            case "trtllm", "trtllm-serve", "tensorrt-llm" -> TRTLLM;
            case "triton", "triton-trtllm" -> TRITON;
            default -> null;
        };
    }
}
