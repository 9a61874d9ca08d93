package dev.switchboard.cli;

import static dev.switchboard.core.metrics.GenAiMetricNames.ENDPOINT_PREFILL_RATE;
import static dev.switchboard.core.metrics.GenAiMetricNames.ENDPOINT_TTFT_PREDICTIONS;
import static dev.switchboard.core.metrics.GenAiMetricNames.ENDPOINT_TTFT_PREDICTION_BIAS;
import static dev.switchboard.core.metrics.GenAiMetricNames.ENDPOINT_TTFT_PREDICTION_ERROR;
import static dev.switchboard.core.metrics.GenAiMetricNames.LABEL_ENDPOINT;

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
 * relative error of the TTFT predicted when each request was sent.
 */
final class EndpointModelTable {
    private static final String PREDICTIONS_TOTAL = ENDPOINT_TTFT_PREDICTIONS + "_total";

    private EndpointModelTable() {}

    /** The table for the sims at {@code sims} (their slowdowns in order), from the gateway admin at {@code admin}. */
    static String read(InetSocketAddress admin, List<InetSocketAddress> sims, double[] slowdowns)
            throws IOException, InterruptedException {
        byte[] page;
        try (HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build()) {
            page = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + admin.getPort() + "/metrics"))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofByteArray()).body();
        }
        Map<String, Map<String, Double>> byEndpoint = new HashMap<>();
        new PrometheusText(Set.of(ENDPOINT_PREFILL_RATE, PREDICTIONS_TOTAL,
                ENDPOINT_TTFT_PREDICTION_ERROR, ENDPOINT_TTFT_PREDICTION_BIAS)).parse(page, 0, page.length,
                (name, labels, value) -> byEndpoint.computeIfAbsent(labels.get(LABEL_ENDPOINT), k -> new HashMap<>())
                        .put(name, value));
        double all = byEndpoint.values().stream().mapToDouble(m -> m.getOrDefault(PREDICTIONS_TOTAL, 0.0)).sum();
        StringBuilder t = new StringBuilder(String.format(Locale.ROOT, "%-10s %8s %8s %12s %9s %8s%n",
                "endpoint", "slowdown", "share", "prefill t/s", "|error|", "bias"));
        double weighted = 0;
        for (int i = 0; i < sims.size(); i++) {
            Map<String, Double> m = byEndpoint.getOrDefault("127.0.0.1:" + sims.get(i).getPort(), Map.of());
            double n = m.getOrDefault(PREDICTIONS_TOTAL, 0.0);
            double error = m.getOrDefault(ENDPOINT_TTFT_PREDICTION_ERROR, Double.NaN);
            if (n > 0) {
                weighted += n * error;
            }
            t.append(String.format(Locale.ROOT, "%-10s %8.1f %7.1f%% %12.0f %8.0f%% %+7.0f%%%n", "sim-" + i,
                    slowdowns[i], all > 0 ? 100 * n / all : 0, m.getOrDefault(ENDPOINT_PREFILL_RATE, Double.NaN),
                    100 * error,
                    100 * m.getOrDefault(ENDPOINT_TTFT_PREDICTION_BIAS, Double.NaN)));
        }
        t.append(String.format(Locale.ROOT, "TTFT prediction error over %.0f predicted requests: %.0f%% (mean |predicted"
                + " - actual| / actual)%n", all, all > 0 ? 100 * weighted / all : Double.NaN));
        return t.toString();
    }
}
