package dev.switchboard.bench;

import dev.switchboard.bench.client.Origin;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/**
 * Where a run's requests go, worked out once from the config: the API path (a base URL may or may not end in
 * {@code /v1}), the model list, and the Prometheus pages to read prefix-cache counters from.
 *
 * @param origin     the target's origin
 * @param apiPath    e.g. {@code /v1/chat/completions}
 * @param modelsPath e.g. {@code /v1/models}
 * @param metrics    the target's {@code /metrics} first, then each extra metrics URL
 * @param origins    every target's origin, {@code origin} first: requests go round-robin over them
 */
record Target(Origin origin, String apiPath, String modelsPath, List<Page> metrics, List<Origin> origins) {

    /** Where the {@code n}th request goes: round-robin over the targets (the first target when there is one). */
    Origin origin(long n) {
        return origins.size() == 1 ? origin : origins.get((int) Math.floorMod(n, (long) origins.size()));
    }

    /** One page to GET. */
    record Page(Origin origin, String path) {
        @Override
        public String toString() {
            return origin + path;
        }
    }

    static Target of(BenchConfig config) {
        Origin origin = Origin.of(config.url());
        String base = stripSlashes(config.url().getRawPath());
        String v1 = base.endsWith("/v1") ? base : base + "/v1";
        List<Page> metrics = new ArrayList<>();
        metrics.add(new Page(origin, "/metrics"));
        for (URI u : config.metricsUrls()) {
            String path = stripSlashes(u.getRawPath());
            metrics.add(new Page(Origin.of(u), (path.isEmpty() ? "/metrics" : path)
                    + (u.getRawQuery() == null ? "" : "?" + u.getRawQuery())));
        }
        List<Origin> origins = new ArrayList<>();
        for (URI u : config.urls()) {
            origins.add(Origin.of(u));
        }
        return new Target(origin, v1 + config.api().path(), v1 + "/models", List.copyOf(metrics), List.copyOf(origins));
    }

    private static String stripSlashes(String path) {
        String p = path == null ? "" : path;
        while (p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        return p;
    }
}
