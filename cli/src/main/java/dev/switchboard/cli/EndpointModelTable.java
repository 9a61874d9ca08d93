package dev.switchboard.cli;

import static dev.switchboard.core.metrics.GenAiMetricNames.ENDPOINT_PREFILL_RATE;
import static dev.switchboard.core.metrics.GenAiMetricNames.ENDPOINT_PREFIX_ESTIMATED_TOKENS;
import static dev.switchboard.core.metrics.GenAiMetricNames.ENDPOINT_PREFIX_FALSE_HITS;
import static dev.switchboard.core.metrics.GenAiMetricNames.ENDPOINT_PREFIX_PROMPT_TOKENS;
import static dev.switchboard.core.metrics.GenAiMetricNames.ENDPOINT_TTFT_PREDICTIONS;
import static dev.switchboard.core.metrics.GenAiMetricNames.ENDPOINT_TTFT_PREDICTION_BIAS;
import static dev.switchboard.core.metrics.GenAiMetricNames.ENDPOINT_TTFT_PREDICTION_ERROR;
import static dev.switchboard.core.metrics.GenAiMetricNames.LABEL_ENDPOINT;
import static dev.switchboard.core.metrics.VllmMetricNames.PREFIX_CACHE_HITS;
import static dev.switchboard.core.metrics.VllmMetricNames.PREFIX_CACHE_QUERIES;
import static dev.switchboard.core.metrics.VllmMetricNames.REQUEST_QUEUE_TIME;
import static dev.switchboard.core.metrics.VllmMetricNames.REQUEST_SUCCESS;
import static dev.switchboard.core.metrics.VllmMetricNames.TIME_TO_FIRST_TOKEN;

import dev.switchboard.picker.datalayer.PrometheusText;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * What the gateway's time-to-first-token model learned about each simulated endpoint, and how well it predicted,
 * read from the gateway's own admin metrics as an operator would: per endpoint its slowdown (1: full speed), the
 * share of the run's predictions it took, the learned prefill rate, and the mean absolute and signed
 * relative error of the TTFT predicted when each request was sent; then, from each server's own metrics, the share
 * of the run's requests it finished, its prefix-cache hit rate (tokens) beside the one the picks expected ("est";
 * with "false", the share of answers sent for a prefix it had evicted), and its mean time to first token and in
 * queue (simulated time, over the whole run): where a profile's tail comes from.
 */
final class EndpointModelTable {
    private static final String PREDICTIONS_TOTAL = ENDPOINT_TTFT_PREDICTIONS + "_total";
    private static final String PROMPT_TOTAL = ENDPOINT_PREFIX_PROMPT_TOKENS + "_total";
    private static final String ESTIMATED_TOTAL = ENDPOINT_PREFIX_ESTIMATED_TOKENS + "_total";
    private static final String FALSE_HITS_TOTAL = ENDPOINT_PREFIX_FALSE_HITS + "_total";

    private EndpointModelTable() {}

    /** The table for the sims at {@code sims} (their slowdowns in order), from the gateway admin at {@code admin}. */
    static String read(InetSocketAddress admin, List<InetSocketAddress> sims, double[] slowdowns)
            throws IOException, InterruptedException {
        Map<String, Map<String, Double>> byEndpoint = new HashMap<>();
        try (HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build()) {
            byte[] page = metrics(http, admin);
            new PrometheusText(Set.of(ENDPOINT_PREFILL_RATE, PREDICTIONS_TOTAL, ENDPOINT_TTFT_PREDICTION_ERROR,
                    ENDPOINT_TTFT_PREDICTION_BIAS, PROMPT_TOTAL, ESTIMATED_TOTAL, FALSE_HITS_TOTAL)).parse(page, 0, page.length,
                    (name, labels, value) -> byEndpoint.computeIfAbsent(labels.get(LABEL_ENDPOINT),
                            k -> new HashMap<>()).put(name, value));
            for (InetSocketAddress sim : sims) {
                Map<String, Double> m = byEndpoint.computeIfAbsent(address(sim), k -> new HashMap<>());
                byte[] own = metrics(http, sim);
                new PrometheusText(SERVER_METRICS).parse(own, 0, own.length,
                        (name, labels, value) -> m.merge(name, value, Double::sum));
            }
        }
        double all = byEndpoint.values().stream().mapToDouble(m -> m.getOrDefault(PREDICTIONS_TOTAL, 0.0)).sum();
        double requests = byEndpoint.values().stream().mapToDouble(m -> m.getOrDefault(REQUEST_SUCCESS, 0.0)).sum();
        StringBuilder t = new StringBuilder(String.format(Locale.ROOT, "%-10s %8s %8s %12s %9s %8s %9s %7s %7s %7s %9s %9s%n",
                "endpoint", "slowdown", "share", "prefill t/s", "|error|", "bias", "requests", "hits", "est",
                "false", "ttft avg", "queue avg"));
        double weighted = 0;
        for (int i = 0; i < sims.size(); i++) {
            Map<String, Double> m = byEndpoint.get(address(sims.get(i)));
            double n = m.getOrDefault(PREDICTIONS_TOTAL, 0.0);
            double error = m.getOrDefault(ENDPOINT_TTFT_PREDICTION_ERROR, Double.NaN);
            if (n > 0) {
                weighted += n * error;
            }
            t.append(String.format(Locale.ROOT, "%-10s %8.1f %7.1f%% %12.0f %8.0f%% %+7.0f%% %8.1f%% %6.1f%% %6.1f%%"
                    + " %6.1f%% %7.0fms %7.0fms%n", "sim-" + i,
                    slowdowns[i], all > 0 ? 100 * n / all : 0, m.getOrDefault(ENDPOINT_PREFILL_RATE, Double.NaN),
                    100 * error,
                    100 * m.getOrDefault(ENDPOINT_TTFT_PREDICTION_BIAS, Double.NaN),
                    100 * m.getOrDefault(REQUEST_SUCCESS, 0.0) / requests,
                    100 * m.getOrDefault(PREFIX_CACHE_HITS, 0.0) / m.getOrDefault(PREFIX_CACHE_QUERIES, Double.NaN),
                    100 * m.getOrDefault(ESTIMATED_TOTAL, 0.0) / m.getOrDefault(PROMPT_TOTAL, Double.NaN),
                    100 * m.getOrDefault(FALSE_HITS_TOTAL, 0.0) / m.getOrDefault(REQUEST_SUCCESS, Double.NaN),
                    1000 * mean(m, TIME_TO_FIRST_TOKEN), 1000 * mean(m, REQUEST_QUEUE_TIME)));
        }
        t.append(String.format(Locale.ROOT, "TTFT prediction error over %.0f predicted requests: %.0f%% (mean |predicted"
                + " - actual| / actual)%n", all, all > 0 ? 100 * weighted / all : Double.NaN));
        return t.toString();
    }

    private static final Set<String> SERVER_METRICS = Set.of(REQUEST_SUCCESS, PREFIX_CACHE_HITS, PREFIX_CACHE_QUERIES,
            TIME_TO_FIRST_TOKEN + "_sum", TIME_TO_FIRST_TOKEN + "_count", REQUEST_QUEUE_TIME + "_sum",
            REQUEST_QUEUE_TIME + "_count");

    private static double mean(Map<String, Double> m, String histogram) {
        return m.getOrDefault(histogram + "_sum", Double.NaN) / m.getOrDefault(histogram + "_count", Double.NaN);
    }

    private static String address(InetSocketAddress a) {
        return "127.0.0.1:" + a.getPort();
    }

    private static byte[] metrics(HttpClient http, InetSocketAddress at) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + at.getPort() + "/metrics"))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofByteArray()).body();
    }
}
