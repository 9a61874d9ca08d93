package dev.switchboard.extproc.admin;

import static dev.switchboard.core.metrics.ExtProcMetricNames.DECISIONS;
import static dev.switchboard.core.metrics.ExtProcMetricNames.ENDPOINT_IN_FLIGHT;
import static dev.switchboard.core.metrics.ExtProcMetricNames.LABEL_ENDPOINT;
import static dev.switchboard.core.metrics.ExtProcMetricNames.LABEL_OUTCOME;
import static dev.switchboard.core.metrics.ExtProcMetricNames.PICK_DURATION;
import static dev.switchboard.core.metrics.ExtProcMetricNames.RESPONSES;
import static dev.switchboard.core.metrics.ExtProcMetricNames.STREAMS;
import static dev.switchboard.core.metrics.GenAiMetricNames.CONFIG_RELOADS;
import static dev.switchboard.core.metrics.GenAiMetricNames.LABEL_BACKEND;
import static dev.switchboard.core.metrics.GenAiMetricNames.LABEL_PROVIDER;
import static dev.switchboard.core.metrics.GenAiMetricNames.LABEL_POOL;
import static dev.switchboard.core.metrics.GenAiMetricNames.LABEL_RESULT;
import static dev.switchboard.core.metrics.GenAiMetricNames.LABEL_STATUS;
import static dev.switchboard.core.metrics.GenAiMetricNames.LABEL_TOKEN_TYPE;
import static dev.switchboard.core.metrics.GenAiMetricNames.POOL_QUEUE_SIZE;
import static dev.switchboard.core.metrics.GenAiMetricNames.TOKEN_USAGE;

import dev.switchboard.core.model.UsageTail;
import dev.switchboard.picker.kvevents.KvEventMetrics;
import dev.switchboard.picker.pool.InferencePool;
import dev.switchboard.picker.pool.InferencePools;
import dev.switchboard.picker.pool.SharedPoolState;
import dev.switchboard.picker.pool.TtftModelMetrics;
import dev.switchboard.picker.scheduling.EndpointState;
import dev.switchboard.redis.share.SharedStateMetrics;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/** The endpoint picker's Prometheus metrics: one registry per server, exported on its admin port. */
public final class ExtProcMetrics {
    /** Pick buckets: the budget is 200 µs at p99 with 100 endpoints; seconds mean something is wrong. */
    private static final double[] PICK_BUCKETS = {10e-6, 25e-6, 50e-6, 100e-6, 200e-6, 500e-6, 1e-3, 2.5e-3, 10e-3,
        50e-3, 0.25, 1};
    /** OpenTelemetry's recommended buckets for gen_ai.client.token.usage (powers of 4). */
    private static final double[] TOKEN_BUCKETS = {1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576,
        4194304, 16777216, 67108864};

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final Counter decisions = Counter.builder().name(DECISIONS)
            .help("What the endpoint picker answered each request: picked, random (a request without a body),"
                    + " body_routed (no pool: model headers only), or why it refused it.")
            .labelNames(LABEL_POOL, LABEL_OUTCOME).register(registry);
    private final Histogram pickDuration = Histogram.builder().name(PICK_DURATION)
            .help("Time one pick takes: admission and scheduling, without any flow control wait.")
            .labelNames(LABEL_POOL).classicUpperBounds(PICK_BUCKETS).register(registry);
    private final Histogram tokens = Histogram.builder().name(TOKEN_USAGE)
            .help("Tokens per request, as the model server's usage reports them.")
            .labelNames(LABEL_POOL, LABEL_BACKEND, LABEL_PROVIDER, LABEL_TOKEN_TYPE).classicUpperBounds(TOKEN_BUCKETS)
            .register(registry);
    private final Counter responses = Counter.builder().name(RESPONSES)
            .help("Responses of picked (and body-routed) requests, by pool and the model server's HTTP status.")
            .labelNames(LABEL_POOL, LABEL_STATUS).register(registry);
    private final AtomicInteger streams = new AtomicInteger();

    /** Exports each pool's flow control queue and each endpoint's in-flight count, read at every scrape. */
    public ExtProcMetrics(InferencePools pools) {
        GaugeWithCallback.builder().name(POOL_QUEUE_SIZE)
                .help("Requests waiting in an InferencePool's flow control queue.")
                .labelNames(LABEL_POOL)
                .callback(cb -> pools.all().forEach((name, pool) -> cb.call(pool.queued(), name)))
                .register(registry);
        GaugeWithCallback.builder().name(ENDPOINT_IN_FLIGHT)
                .help("Requests this endpoint picker counts in flight on each endpoint (picked, response not over), its"
                        + " peers' included when it shares state with them (--share-state).")
                .labelNames(LABEL_POOL, LABEL_ENDPOINT)
                .callback(cb -> {
                    for (InferencePool pool : pools.all().values()) {
                        for (EndpointState s : pool.states()) {
                            cb.call(s.inFlightRequests(), pool.name(), s.endpoint().address());
                        }
                    }
                })
                .register(registry);
        TtftModelMetrics.register(registry, pools::all);
        KvEventMetrics.register(registry);
        GaugeWithCallback.builder().name(STREAMS).help("ext_proc streams open now.")
                .callback(cb -> cb.call(streams.get())).register(registry);
    }

    public PrometheusRegistry registry() {
        return registry;
    }

    /** One request's outcome at {@code pool} ("" for none). */
    public void decision(String pool, String outcome) {
        decisions.labelValues(pool, outcome).inc();
    }

    /** A response came back with {@code status} (the model server's, or Envoy's own 5xx). */
    public void response(String pool, String status) {
        responses.labelValues(pool, status.length() == 3 ? status : "other").inc();
    }

    /**
     * Every pick so far, over all pools: how many, their total seconds, and per bucket upper bound (seconds) how
     * many took at most that long (cumulative). What bench-extproc reports as the picker's own time.
     */
    public record PickTimes(long count, double seconds, double[] upperBounds, long[] atMost) {
        /** The smallest bucket bound that at least {@code q} (0..1) of the picks since {@code before} stayed under. */
        public double quantileBound(PickTimes before, double q) {
            long n = count - before.count;
            for (int i = 0; i < upperBounds.length; i++) {
                if (atMost[i] - before.atMost[i] >= Math.ceil(q * n)) {
                    return upperBounds[i];
                }
            }
            return Double.POSITIVE_INFINITY;
        }

        /** The mean pick time since {@code before}, in seconds. */
        public double mean(PickTimes before) {
            long n = count - before.count;
            return n == 0 ? 0 : (seconds - before.seconds) / n;
        }
    }

    public PickTimes pickTimes() {
        long count = 0;
        double sum = 0;
        long[] atMost = new long[PICK_BUCKETS.length + 1];
        for (var point : pickDuration.collect().getDataPoints()) {
            count += point.getCount();
            sum += point.getSum();
            long running = 0;
            int i = 0;
            for (var bucket : point.getClassicBuckets()) {
                running += bucket.getCount();
                atMost[i++] += running;
            }
        }
        double[] bounds = java.util.Arrays.copyOf(PICK_BUCKETS, PICK_BUCKETS.length + 1);
        bounds[PICK_BUCKETS.length] = Double.POSITIVE_INFINITY;
        return new PickTimes(count, sum, bounds, atMost);
    }

    /** One pick's duration. */
    public void pick(String pool, long nanos) {
        pickDuration.labelValues(pool).observe(nanos / 1e9);
    }

    /**
     * One response's usage, where the model server or provider reported it.
     *
     * @param pool     the InferencePool that served it, or "" for an AIServiceBackend
     * @param backend  the AIServiceBackend that served it (a translated request), or ""
     * @param provider the served API's provider ({@code gen_ai.provider.name}; a pool's servers speak OpenAI's)
     */
    public void usage(String pool, String backend, String provider, UsageTail.Usage usage) {
        if (usage.promptTokens() >= 0) {
            tokens.labelValues(pool, backend, provider, "input").observe(usage.promptTokens());
        }
        if (usage.completionTokens() >= 0) {
            tokens.labelValues(pool, backend, provider, "output").observe(usage.completionTokens());
        }
    }

    /** A stream opened (+1) or closed (-1). */
    public void streams(int delta) {
        streams.addAndGet(delta);
    }

    /** Exports how the watched configuration file's changes went, read at every scrape. Call once. */
    public void configReloads(LongSupplier applied, LongSupplier rejected, LongSupplier failed) {
        CounterWithCallback.builder().name(CONFIG_RELOADS)
                .help("Changes of the watched configuration file: applied, rejected as invalid, or failed.")
                .labelNames(LABEL_RESULT)
                .callback(cb -> {
                    cb.call(applied.getAsLong(), "applied");
                    cb.call(rejected.getAsLong(), "rejected");
                    cb.call(failed.getAsLong(), "failed");
                })
                .register(registry);
    }

    /** The shared-state metrics (--share-state), read from {@code stats} at every scrape. Call once. */
    public void sharedState(Supplier<SharedPoolState.Stats> stats) {
        SharedStateMetrics.register(registry, stats);
    }
}
