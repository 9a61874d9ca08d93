package dev.switchboard.core.http;

import java.util.Set;

/** HTTP header names that are part of Switchboard's wire contracts. Lower case, as HTTP/2 sends them. */
public final class HeaderNames {
    /** ORCA: a client asks a model server for a load report in this format ({@code TEXT} or {@code JSON}). */
    public static final String ENDPOINT_LOAD_METRICS_FORMAT = "endpoint-load-metrics-format";
    /** ORCA: the model server's load report on a response. */
    public static final String ENDPOINT_LOAD_METRICS = "endpoint-load-metrics";
    /** The model server (simulator endpoint) that served a response, by name. */
    public static final String INFERENCE_POD = "x-inference-pod";
    /** The port of the model server that served a response. */
    public static final String INFERENCE_PORT = "x-inference-port";
    /** Simulator: forces an injected failure ({@code 429}, {@code 500}, {@code 503}, {@code reset}, {@code slow}). */
    public static final String SIM_FAIL = "x-sim-fail";
    /** Simulator test-upstream mode: a JSON script (raw, or base64) that checks the request and scripts the response. */
    public static final String SIM_SCRIPT = "x-sim-script";
    public static final String REQUEST_ID = "x-request-id";
    /** The model of a request, set by the gateway from the body (Envoy AI Gateway's name); routes match on it. */
    public static final String MODEL = "x-ai-eg-model";
    /** The backend (AIServiceBackend name) that served a response, added by the gateway. */
    public static final String BACKEND = "x-switchboard-backend";
    /**
     * Endpoint Picker Protocol: the model a request to an InferencePool is sent as, overriding the pool's
     * InferenceModelRewrite rules (llm-d-router's newer name is {@code x-llm-d-model-name-rewrite}).
     */
    public static final String MODEL_REWRITE = "x-gateway-model-name-rewrite";

    /** Names the request's InferenceObjective (its priority); absent or unknown = priority 0. */
    public static final String INFERENCE_OBJECTIVE = "x-gateway-inference-objective";
    /** The request's fairness id: flow control shares a saturated pool between ids; absent = {@code default-flow}. */
    public static final String INFERENCE_FAIRNESS_ID = "x-gateway-inference-fairness-id";
    /** Why the gateway dropped a request (429/503 from admission), e.g. {@code rejected-saturated}. */
    public static final String REQUEST_DROPPED_REASON = "x-gateway-request-dropped-reason";

    /**
     * Request headers that carry a client's credentials for a provider (OpenAI and most servers: authorization;
     * Anthropic: x-api-key; Azure OpenAI: api-key; Gemini: x-goog-api-key). Not sent upstream unless the backendRef
     * forwards client credentials.
     */
    public static final Set<String> CLIENT_CREDENTIALS = Set.of("authorization", "x-api-key",
            "api-key", "x-goog-api-key");

    private HeaderNames() {}
}
