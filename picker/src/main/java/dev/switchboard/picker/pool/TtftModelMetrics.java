package dev.switchboard.picker.pool;

import static dev.switchboard.core.metrics.GenAiMetricNames.ENDPOINT_PREFILL_RATE;
import static dev.switchboard.core.metrics.GenAiMetricNames.ENDPOINT_PREFIX_ESTIMATED_TOKENS;
import static dev.switchboard.core.metrics.GenAiMetricNames.ENDPOINT_PREFIX_FALSE_HITS;
import static dev.switchboard.core.metrics.GenAiMetricNames.ENDPOINT_PREFIX_PROMPT_TOKENS;
import static dev.switchboard.core.metrics.GenAiMetricNames.ENDPOINT_PREFIX_REPORTED_TOKENS;
import static dev.switchboard.core.metrics.GenAiMetricNames.ENDPOINT_TTFT_PREDICTIONS;
import static dev.switchboard.core.metrics.GenAiMetricNames.ENDPOINT_TTFT_PREDICTION_BIAS;
import static dev.switchboard.core.metrics.GenAiMetricNames.ENDPOINT_TTFT_PREDICTION_ERROR;
import static dev.switchboard.core.metrics.GenAiMetricNames.LABEL_ENDPOINT;
import static dev.switchboard.core.metrics.GenAiMetricNames.LABEL_POOL;

import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Supplier;
import java.util.function.ToLongFunction;

/**
 * The endpoints' learned time-to-first-token models and how well they predict, and how the picks' cached-prefix
 * estimates compared with what the endpoints reported ({@link PrefixEstimate}), one home for the gateway's and the
 * endpoint picker's admin ports. An endpoint not learned yet (fewer than three answers) has no rate series.
 */
public final class TtftModelMetrics {
    private TtftModelMetrics() {}

    /** Exports every pool's endpoint models, read from {@code pools} (name to pool) at every scrape. Once per registry. */
    public static void register(PrometheusRegistry registry, Supplier<Map<String, InferencePool>> pools) {
        GaugeWithCallback.builder().name(ENDPOINT_PREFILL_RATE)
                .help("Prefill throughput of each endpoint as learned from its times to first token (the prefill"
                        + " work ahead of each request over its time, decayed with a 10 s half-life).")
                .labelNames(LABEL_POOL, LABEL_ENDPOINT)
                .callback(cb -> each(pools, (pool, m) -> {
                    if (m.prefillRate() > 0) {
                        cb.call(m.prefillRate(), pool, m.address());
                    }
                })).register(registry);
        CounterWithCallback.builder().name(ENDPOINT_TTFT_PREDICTIONS)
                .help("Requests whose time to first token the endpoint's model predicted when they were sent.")
                .labelNames(LABEL_POOL, LABEL_ENDPOINT)
                .callback(cb -> each(pools, (pool, m) -> cb.call(m.error().predictions(), pool, m.address())))
                .register(registry);
        GaugeWithCallback.builder().name(ENDPOINT_TTFT_PREDICTION_ERROR)
                .help("Mean |predicted - actual| / actual time to first token over those predictions.")
                .labelNames(LABEL_POOL, LABEL_ENDPOINT)
                .callback(cb -> each(pools, (pool, m) -> {
                    if (m.error().predictions() > 0) {
                        cb.call(m.error().meanAbsolute(), pool, m.address());
                    }
                })).register(registry);
        GaugeWithCallback.builder().name(ENDPOINT_TTFT_PREDICTION_BIAS)
                .help("Mean (predicted - actual) / actual time to first token: above 0 the model predicts slow.")
                .labelNames(LABEL_POOL, LABEL_ENDPOINT)
                .callback(cb -> each(pools, (pool, m) -> {
                    if (m.error().predictions() > 0) {
                        cb.call(m.error().meanSigned(), pool, m.address());
                    }
                })).register(registry);
        prefixCounter(registry, pools, ENDPOINT_PREFIX_PROMPT_TOKENS, "Prompt tokens of the answers whose usage"
                + " reported how many came from the endpoint's prefix cache.", PrefixEstimate.Totals::promptTokens);
        prefixCounter(registry, pools, ENDPOINT_PREFIX_ESTIMATED_TOKENS, "Of those, the tokens the picks expected"
                + " the endpoint to hold (the prefix index's estimate).", PrefixEstimate.Totals::estimatedTokens);
        prefixCounter(registry, pools, ENDPOINT_PREFIX_REPORTED_TOKENS, "Of those, the tokens the endpoint reported"
                + " cached (usage.prompt_tokens_details.cached_tokens).", PrefixEstimate.Totals::reportedTokens);
        prefixCounter(registry, pools, ENDPOINT_PREFIX_FALSE_HITS, "Answers the pick expected at least half cached"
                + " where the endpoint had less than half of that: sent for a prefix it had evicted.",
                PrefixEstimate.Totals::falseHits);
    }

    private static void prefixCounter(PrometheusRegistry registry, Supplier<Map<String, InferencePool>> pools,
            String name, String help, ToLongFunction<PrefixEstimate.Totals> value) {
        CounterWithCallback.builder().name(name).help(help).labelNames(LABEL_POOL, LABEL_ENDPOINT)
                .callback(cb -> each(pools, (pool, m) -> {
                    if (m.prefix().answers() > 0) {
                        cb.call(value.applyAsLong(m.prefix()), pool, m.address());
                    }
                })).register(registry);
    }

    private static void each(Supplier<Map<String, InferencePool>> pools,
            BiConsumer<String, InferencePool.EndpointTtft> export) {
        pools.get().forEach((name, pool) -> pool.ttftModels().forEach(m -> export.accept(name, m)));
    }
}
