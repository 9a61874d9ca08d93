package dev.switchboard.core.metrics;

/**
 * Metric and label names {@code switchboard extproc} exports besides the shared ones of {@link GenAiMetricNames}
 * (token usage, pool queue size, config reloads).
 */
public final class ExtProcMetricNames {
    /** What the endpoint picker answered a request, by pool and outcome; a counter. */
    public static final String DECISIONS = "switchboard_extproc_decisions";
    /** Label of {@link #DECISIONS}: {@code picked}, {@code random}, {@code body_routed} or why it was refused. */
    public static final String LABEL_OUTCOME = "outcome";
    /** Time one pick takes (admission and scheduling, not the flow control wait), by pool; a histogram. */
    public static final String PICK_DURATION = "switchboard_extproc_pick_duration_seconds";
    /** Requests this process counts in flight on an endpoint now, by pool and endpoint; a gauge. */
    public static final String ENDPOINT_IN_FLIGHT = "switchboard_extproc_endpoint_in_flight";
    /** Label of {@link #ENDPOINT_IN_FLIGHT}: {@code ip:port}. */
    public static final String LABEL_ENDPOINT = GenAiMetricNames.LABEL_ENDPOINT;
    /** Responses Envoy passed through the processor, by pool and HTTP status; a counter. */
    public static final String RESPONSES = "switchboard_extproc_responses";
    /** ext_proc streams open now; a gauge. */
    public static final String STREAMS = "switchboard_extproc_streams";

    private ExtProcMetricNames() {}
}
