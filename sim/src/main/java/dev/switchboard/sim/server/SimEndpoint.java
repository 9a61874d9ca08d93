package dev.switchboard.sim.server;

import dev.switchboard.core.http.HeaderNames;
import dev.switchboard.sim.engine.Engine;
import dev.switchboard.sim.engine.EngineSnapshot;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpHeaders;
import java.net.InetSocketAddress;
import java.util.Locale;
import java.util.Set;
import dev.switchboard.sim.SimApi;

/** One simulated model server: its engine, its identity, and what its handlers share. */
final class SimEndpoint {
    final String name;
    final String model;
    final Engine engine;
    final RequestParser parser;
    final FailureInjector failures;
    final int embeddingDims;
    /** The personalities served ({@code --api}). */
    final Set<SimApi> apis;
    final long startedEpochSeconds = System.currentTimeMillis() / 1000;

    SimEndpoint(String name, String model, Engine engine, FailureInjector failures, int meanOutputTokens,
            int embeddingDims, Set<SimApi> apis) {
        this.name = name;
        this.model = model;
        this.engine = engine;
        this.failures = failures;
        this.embeddingDims = embeddingDims;
        this.apis = Set.copyOf(apis);
        this.parser = new RequestParser(model, engine.adapters(), engine.config().maxModelLen(), meanOutputTokens);
    }

    /** Names this endpoint on a response, so a test or a user can see where a request was served. */
    void identify(HttpHeaders headers, Channel channel) {
        headers.set(HeaderNames.INFERENCE_POD, name);
        headers.set(HeaderNames.INFERENCE_PORT, ((InetSocketAddress) channel.localAddress()).getPort());
    }

    /**
     * The ORCA load report for the format asked in {@code endpoint-load-metrics-format}, or null. Same keys and
     * number style as vLLM (named_metrics.*, Python float text).
     */
    String orcaReport(String format) {
        if (format == null) {
            return null;
        }
        EngineSnapshot s = engine.snapshot();
        double waiting = s.waiting();
        return switch (format.trim().toLowerCase(Locale.ROOT)) {
            case "text" -> "TEXT named_metrics.kv_cache_usage_perc=" + s.kvUsage()
                    + ", named_metrics.num_requests_waiting=" + waiting;
            case "json" -> "JSON {\"named_metrics\": {\"kv_cache_usage_perc\": " + s.kvUsage()
                    + ", \"num_requests_waiting\": " + waiting + "}}";
            default -> null;
        };
    }
}
