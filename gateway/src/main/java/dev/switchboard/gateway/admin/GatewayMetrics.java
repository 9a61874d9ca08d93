package dev.switchboard.gateway.admin;

import static dev.switchboard.core.metrics.GenAiMetricNames.*;

import dev.switchboard.core.model.UsageTail;
import dev.switchboard.gateway.handler.RequestInfo;
import dev.switchboard.gateway.routing.Attempt;
import dev.switchboard.picker.kvevents.KvEventMetrics;
import dev.switchboard.picker.pool.InferencePool;
import dev.switchboard.picker.pool.SharedPoolState;
import dev.switchboard.picker.pool.TtftModelMetrics;
import dev.switchboard.policy.Principal;
import dev.switchboard.redis.share.SharedStateMetrics;
import io.prometheus.metrics.core.datapoints.DistributionDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The gateway's Prometheus metrics, with OpenTelemetry GenAI names. The {@code gen_ai_request_model} label is
 * bounded: the configured models, the first 100 other strings clients send, then {@code other} (ModelLabels).
 */
public final class GatewayMetrics {
    /** Request and first-token buckets: LLM calls span milliseconds (cache hits, errors) to minutes. */
    private static final double[] LATENCY_BUCKETS = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20,
        40, 80, 160, 320};
    /** Overhead buckets: the budget is tens of microseconds. */
    private static final double[] OVERHEAD_BUCKETS = {10e-6, 25e-6, 50e-6, 100e-6, 250e-6, 500e-6, 1e-3, 2.5e-3,
        5e-3, 10e-3, 50e-3};

    /** OpenTelemetry's recommended buckets for gen_ai.client.token.usage (powers of 4). */
    private static final double[] TOKEN_BUCKETS = {1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576,
        4194304, 16777216, 67108864};
    /** OpenTelemetry's recommended buckets for gen_ai.server.time_per_output_token. */
    private static final double[] TPOT_BUCKETS = {0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.75, 1.0, 2.5};

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final Histogram duration = histogram(REQUEST_DURATION,
            "Time from the request's arrival to the end of its response.", LATENCY_BUCKETS,
            LABEL_OPERATION, LABEL_REQUEST_MODEL, LABEL_BACKEND, LABEL_PROVIDER, LABEL_STATUS);
    private final Histogram firstToken = histogram(TIME_TO_FIRST_TOKEN,
            "Time from the request's arrival to the first byte of a streamed response body.", LATENCY_BUCKETS,
            LABEL_OPERATION, LABEL_REQUEST_MODEL, LABEL_BACKEND, LABEL_PROVIDER);
    private final Histogram tokens = histogram(TOKEN_USAGE,
            "Tokens per request, as the upstream's usage reports them.", TOKEN_BUCKETS,
            LABEL_OPERATION, LABEL_REQUEST_MODEL, LABEL_BACKEND, LABEL_PROVIDER, LABEL_TOKEN_TYPE);
    private final Histogram timePerOutputToken = histogram(TIME_PER_OUTPUT_TOKEN,
            "Time per output token after the first, of streamed responses.", TPOT_BUCKETS,
            LABEL_OPERATION, LABEL_REQUEST_MODEL, LABEL_BACKEND, LABEL_PROVIDER);
    private final Histogram overhead = histogram(GATEWAY_OVERHEAD,
            "Time the gateway adds before a request reaches its upstream (pooled connection, first attempt).",
            OVERHEAD_BUCKETS);

    private final ModelLabels models = new ModelLabels();
    /**
     * The data points of every label combination seen, so that a request costs one lookup instead of five. As
     * bounded as the registry's own series: operations x model labels (ModelLabels) x backends x statuses.
     */
    private final ConcurrentHashMap<SeriesKey, Series> series = new ConcurrentHashMap<>();

    private final Counter dropped = Counter.builder().name(POOL_REQUESTS_DROPPED)
            .help("Requests an InferencePool's admission answered with 429 or 503 instead of sending them on.")
            .labelNames(LABEL_POOL, LABEL_REASON).register(registry);
    static final int MAX_PRINCIPAL_VALUES = 200;
    private final CappedLabelValues principalTeams = new CappedLabelValues(MAX_PRINCIPAL_VALUES);
    private final CappedLabelValues principalUsers = new CappedLabelValues(MAX_PRINCIPAL_VALUES);
    private final Counter principalRequests = Counter.builder().name("switchboard_principal_requests")
            .help("Requests of authenticated clients, by their team and user labels and the answer's status.")
            .labelNames("team", "user", "status").register(registry);
    private final Counter principalTokens = Counter.builder().name("switchboard_principal_tokens")
            .help("Tokens the backends reported for authenticated clients' requests, by team and user label.")
            .labelNames("team", "user", "type").register(registry);
    private final Counter refusals = Counter.builder().name("switchboard_governance_refusals")
            .help("Requests refused before they were sent: by client authentication (401/403: missing_credentials,"
                    + " invalid_key, model_not_allowed, ...) or a governance step: a limit, a budget, a guardrail"
                    + " (rate_limit_exceeded, insufficient_quota, request_exceeds_limit, model_not_priced,"
                    + " content_blocked, ...).")
            .labelNames("code").register(registry);

    /**
     * Records one finished request.
     *
     * @param firstByteNanos time to the first response byte, or -1
     * @param usage          the upstream's reported usage, or null
     */
    public void request(RequestInfo info, Attempt attempt, int status, long durationNanos, long firstByteNanos,
            UsageTail.Usage usage) {
        if (info.principal() != Principal.ANONYMOUS) {
            byPrincipal(info.principal(), status, usage);
        }
        Series s = series(operation(info.api()), models.label(info.model()),
                attempt == null ? "" : attempt.ref().backend().name(),
                attempt == null ? "" : attempt.ref().backend().schema().name().providerName(), status);
        s.duration.observe(durationNanos / 1e9);
        boolean streamed = info.stream() && firstByteNanos >= 0 && status == 200;
        if (streamed) {
            s.firstToken().observe(firstByteNanos / 1e9);
        }
        if (usage == null) {
            return;
        }
        if (usage.promptTokens() >= 0) {
            s.inputTokens().observe(usage.promptTokens());
        }
        if (usage.completionTokens() >= 0) {
            s.outputTokens().observe(usage.completionTokens());
        }
        if (streamed && usage.completionTokens() > 1) {
            double perToken = (durationNanos - firstByteNanos) / 1e9 / (usage.completionTokens() - 1);
            s.timePerOutputToken().observe(perToken);
        }
    }

    /**
     * Sets the models the configuration names by an exact match ({@code Router.models()}): they always label as
     * themselves. Call at start and after every reload.
     */
    public void configuredModels(Collection<String> names) {
        models.configured(names);
    }

    /** A request was turned away by {@code pool}'s admission for {@code reason} (the dropped-reason header). */
    public void dropped(String pool, String reason) {
        dropped.labelValues(pool, reason).inc();
    }

    /**
     * Exports each pool's flow control queue length, read from {@code queues} (pool name to queued requests) at
     * every scrape. Call once.
     */
    public void poolQueues(Supplier<Map<String, Integer>> queues) {
        GaugeWithCallback.builder().name(POOL_QUEUE_SIZE)
                .help("Requests waiting in an InferencePool's flow control queue.")
                .labelNames(LABEL_POOL)
                .callback(cb -> queues.get().forEach((pool, n) -> cb.call(n, pool)))
                .register(registry);
    }

    /** Exports the endpoints' learned time-to-first-token models, read from {@code pools} at every scrape. Call once. */
    public void ttftModels(Supplier<Map<String, InferencePool>> pools) {
        TtftModelMetrics.register(registry, pools);
        KvEventMetrics.register(registry);
    }

    /** Exports the access log's dropped lines, read from {@code dropped} at every scrape. Call once. */
    public void accessLogDropped(LongSupplier dropped) {
        CounterWithCallback.builder().name(ACCESS_LOG_DROPPED)
                .help("Access log lines not written: the writer's queue was full, the logger failed, or the gateway was closing.")
                .callback(cb -> cb.call(dropped.getAsLong()))
                .register(registry);
    }

    /**
     * Exports how the watched configuration file's changes went, read at every scrape: applied, rejected (invalid)
     * and failed (valid, but applying it threw). Call once, when a file is watched.
     */
    public void configReloads(LongSupplier applied, LongSupplier rejected, LongSupplier failed) {
        CounterWithCallback.builder().name(CONFIG_RELOADS)
                .help("Changes of the watched configuration file, by result: applied, rejected (invalid), failed"
                        + " (applying it threw; the running configuration stayed).")
                .labelNames(LABEL_RESULT)
                .callback(cb -> {
                    cb.call(applied.getAsLong(), "applied");
                    cb.call(rejected.getAsLong(), "rejected");
                    cb.call(failed.getAsLong(), "failed");
                })
                .register(registry);
    }

    /** Exports the bytes of buffer request bodies hold now, and their limit, read at every scrape. Call once. */
    public void requestBuffers(LongSupplier used, long limit) {
        GaugeWithCallback.builder().name(REQUEST_BUFFER_BYTES)
                .help("Bytes of buffer held for request bodies now (kept for retries until their response starts).")
                .callback(cb -> cb.call(used.getAsLong()))
                .register(registry);
        GaugeWithCallback.builder().name(REQUEST_BUFFER_LIMIT_BYTES)
                .help("maxBufferedRequestBytes: past it, requests are answered 503.")
                .callback(cb -> cb.call(limit))
                .register(registry);
    }

    /**
     * Requests and tokens by the principal's {@code team} and {@code user} labels (a key's metadata, a JWT's mapped
     * claims): what a budget owner reads. Each label takes at most {@value #MAX_PRINCIPAL_VALUES} values, then
     * {@code other}; a principal without the label counts under "".
     */
    private void byPrincipal(Principal p, int status, UsageTail.Usage usage) {
        String team = principalTeams.label(p.labels().getOrDefault("team", ""));
        String user = principalUsers.label(p.labels().getOrDefault("user", ""));
        principalRequests.labelValues(team, user, Integer.toString(status)).inc();
        if (usage != null && usage.promptTokens() >= 0) {
            principalTokens.labelValues(team, user, "input").inc(usage.promptTokens());
        }
        if (usage != null && usage.completionTokens() >= 0) {
            principalTokens.labelValues(team, user, "output").inc(usage.completionTokens());
        }
    }

    /** A request refused by client authentication or the governance steps (a limit, a budget, a guardrail), by code. */
    public void refused(String code) {
        refusals.labelValues(code == null ? "" : code).inc();
    }

    /** The rate limiter's store: 1 shared, 0 deciding locally because the shared store is down; absent for memory. */
    public void rateLimitStore(java.util.function.Supplier<dev.switchboard.policy.limits.RateLimiter> current) {
        GaugeWithCallback.builder().name("switchboard_rate_limit_store_shared")
                .help("1 while limits are kept in the shared store (Redis), 0 while this replica decides on local"
                        + " counts because the store cannot be reached.")
                .callback(cb -> {
                    var limiter = current.get();
                    if (limiter != null && limiter.store() != dev.switchboard.policy.limits.RateLimiter.Store.MEMORY) {
                        cb.call(limiter.store() == dev.switchboard.policy.limits.RateLimiter.Store.SHARED ? 1 : 0);
                    }
                })
                .register(registry);
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

    /**
     * A classic histogram. The admin port writes the text format 0.0.4, which shows neither native histograms nor
     * exemplars, so the library keeps neither: each cost work per observation, and native buckets a boxed index.
     */
    private Histogram histogram(String name, String help, double[] bounds, String... labels) {
        return Histogram.builder().name(name).help(help).labelNames(labels).classicUpperBounds(bounds)
                .classicOnly().withoutExemplars().register(registry);
    }

    private Series series(String operation, String model, String backend, String provider, int status) {
        SeriesKey key = new SeriesKey(operation, model, backend, provider, status);
        Series s = series.get(key);
        return s != null ? s : series.computeIfAbsent(key, Series::new);
    }

    private static String operation(String api) {
        return switch (api) {
            case "/v1/chat/completions" -> "chat";
            case "/v1/completions" -> "text_completion";
            case "/v1/embeddings" -> "embeddings";
            case "/v1/responses" -> "responses";
            case "/v1/messages" -> "chat";
            case "/v1beta/models/{model}:generateContent", "/v1beta/models/{model}:streamGenerateContent" -> "generate_content";
            default -> api;
        };
    }

    /**
     * The labels one finished request is recorded under. equals and hashCode are written out: a record's generated ones go through method handles
     * (ObjectMethods), which profiled at 1.2 % of the event loop in this one lookup per request.
     */
    private record SeriesKey(String operation, String model, String backend, String provider, int status) {
        // the provider follows from the backend (one schema each), so it takes no part in equality
        @Override
        public boolean equals(Object o) {
            return o instanceof SeriesKey k && status == k.status && operation.equals(k.operation)
                    && model.equals(k.model) && backend.equals(k.backend);
        }

        @Override
        public int hashCode() {
            return ((operation.hashCode() * 31 + model.hashCode()) * 31 + backend.hashCode()) * 31 + status;
        }
    }

    /**
     * The data points of one {@link SeriesKey}. Histogram.labelValues builds a label list and looks it up in the
     * histogram's map at every call; here each lookup happens once per series. The duration series exists for every
     * request; the others are looked up at first use, so that, as before, a series appears on /metrics only once
     * something was observed in it. They are volatile so that a data point is safely published to every loop; two
     * loops racing to look one up get the same data point from the histogram.
     */
    private final class Series {
        final DistributionDataPoint duration;
        private final SeriesKey key;
        private volatile DistributionDataPoint firstToken;
        private volatile DistributionDataPoint inputTokens;
        private volatile DistributionDataPoint outputTokens;
        private volatile DistributionDataPoint timePerOutputToken;

        Series(SeriesKey key) {
            this.key = key;
            this.duration = GatewayMetrics.this.duration.labelValues(key.operation, key.model, key.backend, key.provider,
                    Integer.toString(key.status));
        }

        DistributionDataPoint firstToken() {
            DistributionDataPoint d = firstToken;
            if (d == null) {
                firstToken = d = GatewayMetrics.this.firstToken.labelValues(key.operation, key.model, key.backend, key.provider);
            }
            return d;
        }

        DistributionDataPoint inputTokens() {
            DistributionDataPoint d = inputTokens;
            if (d == null) {
                inputTokens = d = tokens.labelValues(key.operation, key.model, key.backend, key.provider, "input");
            }
            return d;
        }

        DistributionDataPoint outputTokens() {
            DistributionDataPoint d = outputTokens;
            if (d == null) {
                outputTokens = d = tokens.labelValues(key.operation, key.model, key.backend, key.provider, "output");
            }
            return d;
        }

        DistributionDataPoint timePerOutputToken() {
            DistributionDataPoint d = timePerOutputToken;
            if (d == null) {
                timePerOutputToken = d = GatewayMetrics.this.timePerOutputToken.labelValues(key.operation, key.model,
                        key.backend, key.provider);
            }
            return d;
        }
    }

    /** The shared-state metrics (--share-state), read from {@code stats} at every scrape. Call once. */
    public void sharedState(Supplier<SharedPoolState.Stats> stats) {
        SharedStateMetrics.register(registry, stats);
    }
}
