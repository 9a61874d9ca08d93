package dev.switchboard.sim.server;

import static dev.switchboard.core.metrics.VllmMetricNames.*;

import dev.switchboard.sim.engine.EngineConfig;
import dev.switchboard.sim.engine.EngineMetrics;
import dev.switchboard.sim.engine.EngineSnapshot;
import dev.switchboard.sim.engine.Histogram;

/** Renders an endpoint's metrics in the Prometheus text format with vLLM's names, labels and help strings. */
final class MetricsText {
    private final StringBuilder out = new StringBuilder(8192);
    private final String labels;

    private MetricsText(String model) {
        this.labels = LABEL_MODEL_NAME + "=\"" + escape(model) + "\"," + LABEL_ENGINE + "=\"0\"";
    }

    static String render(SimEndpoint endpoint) {
        EngineMetrics m = endpoint.engine.metrics();
        EngineSnapshot s = endpoint.engine.snapshot();
        EngineConfig c = endpoint.engine.config();
        MetricsText t = new MetricsText(endpoint.model);
        t.gauge(NUM_REQUESTS_RUNNING, "Number of requests in model execution batches.", s.running());
        t.gauge(NUM_REQUESTS_WAITING, "Number of requests waiting to be processed.", s.waiting());
        t.gauge(KV_CACHE_USAGE_PERC, "KV-cache usage. 1 means 100 percent usage.", s.kvUsage());
        t.header(CACHE_CONFIG_INFO, "Information of the LLMEngine CacheConfig", "gauge");
        t.out.append(CACHE_CONFIG_INFO).append('{').append(LABEL_BLOCK_SIZE).append("=\"").append(c.profile().blockSize())
                .append("\",enable_prefix_caching=\"True\",").append(LABEL_ENGINE).append("=\"0\",")
                .append(LABEL_NUM_GPU_BLOCKS).append("=\"").append(c.profile().kvBlocks()).append("\"} 1.0\n");
        if (c.maxLoras() > 0) {
            t.header(LORA_REQUESTS_INFO, "Running stats on lora requests.", "gauge");
            t.out.append(LORA_REQUESTS_INFO).append('{').append(LABEL_MAX_LORA).append("=\"").append(c.maxLoras())
                    .append("\",").append(LABEL_WAITING_LORA_ADAPTERS).append("=\"").append(String.join(",", s.waitingAdapters()))
                    .append("\",").append(LABEL_RUNNING_LORA_ADAPTERS).append("=\"").append(String.join(",", s.runningAdapters()))
                    .append("\"} ").append(s.updatedEpochSeconds()).append('\n');
        }
        t.counter(PREFIX_CACHE_QUERIES, "Prefix cache queries, in terms of number of queried tokens.", m.prefixQueries.sum());
        t.counter(PREFIX_CACHE_HITS, "Prefix cache hits, in terms of number of cached tokens.", m.prefixHits.sum());
        t.counter(NUM_PREEMPTIONS, "Cumulative number of preemption from the engine.", m.preemptions.sum());
        t.counter(PROMPT_TOKENS, "Number of prefill tokens processed.", m.promptTokens.sum());
        t.counter(GENERATION_TOKENS, "Number of generation tokens processed.", m.generationTokens.sum());
        t.header(REQUEST_SUCCESS, "Count of successfully processed requests.", "counter");
        t.reason("stop", m.finishedStop.sum());
        t.reason("length", m.finishedLength.sum());
        t.reason("abort", m.finishedAbort.sum());
        t.histogram(TIME_TO_FIRST_TOKEN, "Histogram of time to first token in seconds.", m.timeToFirstToken);
        t.histogram(INTER_TOKEN_LATENCY, "Histogram of inter-token latency in seconds.", m.interTokenLatency);
        t.histogram(E2E_REQUEST_LATENCY, "Histogram of e2e request latency in seconds.", m.e2eLatency);
        t.histogram(REQUEST_QUEUE_TIME, "Histogram of time spent in WAITING phase for request.", m.queueTime);
        return t.out.toString();
    }

    private void header(String name, String help, String type) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n');
        out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
    }

    private void gauge(String name, String help, double value) {
        header(name, help, "gauge");
        out.append(name).append('{').append(labels).append("} ").append(value).append('\n');
    }

    private void counter(String name, String help, long value) {
        header(name, help, "counter");
        out.append(name).append('{').append(labels).append("} ").append((double) value).append('\n');
    }

    private void reason(String reason, long value) {
        out.append(REQUEST_SUCCESS).append("{finished_reason=\"").append(reason).append("\",").append(labels)
                .append("} ").append((double) value).append('\n');
    }

    private void histogram(String name, String help, Histogram h) {
        header(name, help, "histogram");
        double[] bounds = h.bounds();
        long[] cumulative = h.cumulativeCounts();
        for (int i = 0; i < bounds.length; i++) {
            out.append(name).append("_bucket{").append(labels).append(",le=\"").append(bounds[i]).append("\"} ")
                    .append((double) cumulative[i]).append('\n');
        }
        long count = cumulative[cumulative.length - 1];
        out.append(name).append("_bucket{").append(labels).append(",le=\"+Inf\"} ").append((double) count).append('\n');
        out.append(name).append("_count{").append(labels).append("} ").append((double) count).append('\n');
        out.append(name).append("_sum{").append(labels).append("} ").append(h.sum()).append('\n');
    }

    private static String escape(String v) {
        return v.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }
}
