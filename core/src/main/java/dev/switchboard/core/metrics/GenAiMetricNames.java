package dev.switchboard.core.metrics;

/**
 * Metric and label names the gateway exports: the OpenTelemetry GenAI semantic conventions in their Prometheus
 * spelling (dots become underscores, the unit becomes a suffix), plus Switchboard's own.
 */
public final class GenAiMetricNames {
    /** {@code gen_ai.server.request.duration}. */
    public static final String REQUEST_DURATION = "gen_ai_server_request_duration_seconds";
    /** {@code gen_ai.server.time_to_first_token}. */
    public static final String TIME_TO_FIRST_TOKEN = "gen_ai_server_time_to_first_token_seconds";
    /** {@code gen_ai.server.time_per_output_token}. */
    public static final String TIME_PER_OUTPUT_TOKEN = "gen_ai_server_time_per_output_token_seconds";
    /** {@code gen_ai.client.token.usage}. */
    public static final String TOKEN_USAGE = "gen_ai_client_token_usage";
    /** Time the gateway adds to a request: request fully read to upstream write, on a pooled connection. */
    public static final String GATEWAY_OVERHEAD = "switchboard_gateway_overhead_seconds";

    /** Requests an InferencePool's admission turned away (429/503), by pool and reason; a counter. */
    public static final String POOL_REQUESTS_DROPPED = "switchboard_inference_pool_requests_dropped";
    /** Access log lines not written (queue full, logger failed, or the gateway closing); a counter. */
    public static final String ACCESS_LOG_DROPPED = "switchboard_access_log_dropped";
    /** Changes of the watched configuration file, by result (applied, rejected, failed); a counter. */
    public static final String CONFIG_RELOADS = "switchboard_config_reloads";
    /** Label of {@link #CONFIG_RELOADS}. */
    public static final String LABEL_RESULT = "result";
    /** Bytes of buffer held for request bodies now, and the limit; gauges. */
    public static final String REQUEST_BUFFER_BYTES = "switchboard_request_buffer_bytes";
    public static final String REQUEST_BUFFER_LIMIT_BYTES = "switchboard_request_buffer_limit_bytes";
    /** Requests waiting in an InferencePool's flow control queue now; a gauge. */
    public static final String POOL_QUEUE_SIZE = "switchboard_inference_pool_queue_size";

    /** Each endpoint's prefill throughput as its TTFT model learned it (label endpoint); a gauge. */
    public static final String ENDPOINT_PREFILL_RATE = "switchboard_endpoint_prefill_tokens_per_second";
    /** Attempts whose time to first token the endpoint's model predicted when they were sent; a counter. */
    public static final String ENDPOINT_TTFT_PREDICTIONS = "switchboard_endpoint_ttft_predictions";
    /** Mean |predicted - actual| / actual of those predictions since the start; a gauge. */
    public static final String ENDPOINT_TTFT_PREDICTION_ERROR = "switchboard_endpoint_ttft_prediction_error_ratio";
    /** Mean (predicted - actual) / actual: above 0 the model predicts slow; a gauge. */
    public static final String ENDPOINT_TTFT_PREDICTION_BIAS = "switchboard_endpoint_ttft_prediction_bias_ratio";
    /** Prompt tokens of the answers whose usage reported cached tokens, per endpoint; a counter. */
    public static final String ENDPOINT_PREFIX_PROMPT_TOKENS = "switchboard_endpoint_prefix_prompt_tokens";
    /** Of those, the tokens the picks expected cached there; a counter. */
    public static final String ENDPOINT_PREFIX_ESTIMATED_TOKENS = "switchboard_endpoint_prefix_estimated_tokens";
    /** Of those, the tokens the endpoint reported cached; a counter. */
    public static final String ENDPOINT_PREFIX_REPORTED_TOKENS = "switchboard_endpoint_prefix_reported_tokens";
    /** Answers expected at least half cached where less than half of that was; a counter. */
    public static final String ENDPOINT_PREFIX_FALSE_HITS = "switchboard_endpoint_prefix_false_hits";
    /** Label of the endpoint metrics: the endpoint's host:port. */
    /** KV-event messages received per subscriber address (counter), and those refused (bad topic or payload). */
    public static final String KV_EVENT_MESSAGES = "switchboard_kv_event_messages";
    public static final String KV_EVENT_REJECTED = "switchboard_kv_event_rejected_messages";
    /** Sequence gaps seen: messages a server sent that never arrived (the index may hold evicted blocks). */
    public static final String KV_EVENT_GAPS = "switchboard_kv_event_sequence_gaps";
    /** Blocks each publishing server holds, as its events say (gauge). */
    public static final String KV_EVENT_BLOCKS = "switchboard_kv_event_blocks";
    /** Stored blocks that could not be placed (adapter, block size, unknown parent, capacity) (counter). */
    public static final String KV_EVENT_SKIPPED_BLOCKS = "switchboard_kv_event_skipped_blocks";
    /** The subscriber's bound address, on the KV-event series. */
    public static final String LABEL_KV_EVENTS_ADDRESS = "address";
    public static final String LABEL_ENDPOINT = "endpoint";

    /** 1 while this replica shares pool state with its peers (--share-state), 0 while it picks alone; a gauge. */
    public static final String SHARED_STATE_CONNECTED = "switchboard_shared_state_connected";
    /** Peer replicas heard from within the expiry (their in-flight counts are added); a gauge. */
    public static final String SHARED_STATE_PEERS = "switchboard_shared_state_peers";
    /** Shared-state messages by {@link #LABEL_EVENT}: published, received, dropped; a counter. */
    public static final String SHARED_STATE_MESSAGES = "switchboard_shared_state_messages";
    /** Peers' pick records entered into this replica's prefix indexes; a counter. */
    public static final String SHARED_STATE_RECORDS_APPLIED = "switchboard_shared_state_records_applied";
    /** Pick records not sent to the peers (queue full, or Redis unreachable); a counter. */
    public static final String SHARED_STATE_RECORDS_DROPPED = "switchboard_shared_state_records_dropped";
    /** Age of the latest peer message when applied (sender's wall clock to ours); a gauge. */
    public static final String SHARED_STATE_LAG = "switchboard_shared_state_lag_seconds";
    /** Label of {@link #SHARED_STATE_MESSAGES}. */
    public static final String LABEL_EVENT = "event";

    public static final String LABEL_OPERATION = "gen_ai_operation_name";
    public static final String LABEL_REQUEST_MODEL = "gen_ai_request_model";
    public static final String LABEL_TOKEN_TYPE = "gen_ai_token_type";
    public static final String LABEL_BACKEND = "switchboard_backend";
    /** OpenTelemetry's {@code gen_ai.provider.name}: which provider's API the backend speaks (Envoy AI Gateway's values). */
    public static final String LABEL_PROVIDER = "gen_ai_provider_name";
    public static final String LABEL_STATUS = "http_response_status_code";
    public static final String LABEL_POOL = "inference_pool";
    /** Why a request was dropped: the dropped-reason header's value. */
    public static final String LABEL_REASON = "reason";

    private GenAiMetricNames() {}
}
