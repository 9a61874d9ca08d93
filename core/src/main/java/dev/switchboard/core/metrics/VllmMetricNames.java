package dev.switchboard.core.metrics;

/**
 * vLLM's Prometheus metric names as exposed on a model server's {@code /metrics} (vLLM V1,
 * vllm/v1/metrics/loggers.py). Counters carry the {@code _total} suffix the Python client adds.
 */
public final class VllmMetricNames {
    public static final String NUM_REQUESTS_RUNNING = "vllm:num_requests_running";
    public static final String NUM_REQUESTS_WAITING = "vllm:num_requests_waiting";
    public static final String KV_CACHE_USAGE_PERC = "vllm:kv_cache_usage_perc";
    /** Name used by vLLM before 0.9 for the same gauge. */
    public static final String GPU_CACHE_USAGE_PERC = "vllm:gpu_cache_usage_perc";
    /** Gauge valued 1; labels {@code block_size}, {@code num_gpu_blocks}, ... */
    public static final String CACHE_CONFIG_INFO = "vllm:cache_config_info";
    /** Gauge valued with a Unix timestamp; labels {@code max_lora}, {@code waiting_lora_adapters}, {@code running_lora_adapters}. */
    public static final String LORA_REQUESTS_INFO = "vllm:lora_requests_info";
    /** Prompt tokens looked up in the prefix cache. */
    public static final String PREFIX_CACHE_QUERIES = "vllm:prefix_cache_queries_total";
    /** Prompt tokens found in the prefix cache. */
    public static final String PREFIX_CACHE_HITS = "vllm:prefix_cache_hits_total";
    public static final String NUM_PREEMPTIONS = "vllm:num_preemptions_total";
    public static final String PROMPT_TOKENS = "vllm:prompt_tokens_total";
    public static final String GENERATION_TOKENS = "vllm:generation_tokens_total";
    /** Label {@code finished_reason}: stop, length, abort. */
    public static final String REQUEST_SUCCESS = "vllm:request_success_total";
    public static final String TIME_TO_FIRST_TOKEN = "vllm:time_to_first_token_seconds";
    public static final String INTER_TOKEN_LATENCY = "vllm:inter_token_latency_seconds";
    public static final String E2E_REQUEST_LATENCY = "vllm:e2e_request_latency_seconds";
    public static final String REQUEST_QUEUE_TIME = "vllm:request_queue_time_seconds";

    public static final String LABEL_MODEL_NAME = "model_name";
    public static final String LABEL_ENGINE = "engine";
    public static final String LABEL_BLOCK_SIZE = "block_size";
    public static final String LABEL_NUM_GPU_BLOCKS = "num_gpu_blocks";
    public static final String LABEL_MAX_LORA = "max_lora";
    public static final String LABEL_RUNNING_LORA_ADAPTERS = "running_lora_adapters";
    public static final String LABEL_WAITING_LORA_ADAPTERS = "waiting_lora_adapters";

    private VllmMetricNames() {}
}
