package dev.switchboard.gateway.admin;

import static dev.switchboard.core.metrics.GenAiMetricNames.*;

import dev.switchboard.gateway.handler.RequestInfo;
import dev.switchboard.gateway.routing.Attempt;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/** The gateway's Prometheus metrics, with OpenTelemetry GenAI names. */
public final class GatewayMetrics {
    /** Request and first-token buckets: LLM calls span milliseconds (cache hits, errors) to minutes. */
    private static final double[] LATENCY_BUCKETS = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20,
        40, 80, 160, 320};
    /** Overhead buckets: the budget is tens of microseconds. */
    private static final double[] OVERHEAD_BUCKETS = {10e-6, 25e-6, 50e-6, 100e-6, 250e-6, 500e-6, 1e-3, 2.5e-3,
        5e-3, 10e-3, 50e-3};

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final Histogram duration = Histogram.builder().name(REQUEST_DURATION)
            .help("Time from the request's arrival to the end of its response.")
            .labelNames(LABEL_OPERATION, LABEL_REQUEST_MODEL, LABEL_BACKEND, LABEL_STATUS)
            .classicUpperBounds(LATENCY_BUCKETS).register(registry);
    private final Histogram firstToken = Histogram.builder().name(TIME_TO_FIRST_TOKEN)
            .help("Time from the request's arrival to the first byte of a streamed response body.")
            .labelNames(LABEL_OPERATION, LABEL_REQUEST_MODEL, LABEL_BACKEND)
            .classicUpperBounds(LATENCY_BUCKETS).register(registry);
    private final Histogram overhead = Histogram.builder().name(GATEWAY_OVERHEAD)
            .help("Time the gateway adds before a request reaches its upstream (pooled connection, first attempt).")
            .classicUpperBounds(OVERHEAD_BUCKETS).register(registry);

    public void request(RequestInfo info, Attempt attempt, int status, long durationNanos, long firstByteNanos) {
        String op = operation(info.api());
        String backend = attempt == null ? "" : attempt.ref().backend().name();
        duration.labelValues(op, info.model(), backend, Integer.toString(status)).observe(durationNanos / 1e9);
        if (info.stream() && firstByteNanos >= 0 && status == 200) {
            firstToken.labelValues(op, info.model(), backend).observe(firstByteNanos / 1e9);
        }
    }

    public void overhead(long nanos) {
        overhead.observe(nanos / 1e9);
    }

    /** The exposition, Prometheus text format 0.0.4. */
    public byte[] scrape() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(8192);
        try {
            PrometheusTextFormatWriter.create().write(out, registry.scrape());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static String operation(String api) {
        return switch (api) {
            case "/v1/chat/completions" -> "chat";
            case "/v1/completions" -> "text_completion";
            case "/v1/embeddings" -> "embeddings";
            case "/v1/responses" -> "responses";
            default -> api;
        };
    }
}
