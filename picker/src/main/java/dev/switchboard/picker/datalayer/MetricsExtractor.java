package dev.switchboard.picker.datalayer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Turns one engine's metrics page into {@link ModelServerMetrics}. One extractor per engine type; not
 * thread-safe (its parser reuses buffers), so each scraping thread keeps its own.
 */
public final class MetricsExtractor {
    /*
     * A page may carry several series of one gauge (one per model or engine rank): queue and running counts are
     * summed, KV usage takes the highest series (the fullest cache is the one that stalls). vllm:lora_requests_info
     * keeps old label sets around with old timestamps, so only the series with the newest value counts.
     */
    private final EngineType engine;
    private final PrometheusText parser;

    public MetricsExtractor(EngineType engine) {
        this.engine = engine;
        this.parser = new PrometheusText(engine.names());
    }

    public ModelServerMetrics extract(byte[] page, int from, int to) {
        Acc a = new Acc();
        parser.parse(page, from, to, (name, labels, value) -> a.accept(engine, name, labels, value));
        return a.result();
    }

    private static final class Acc {
        int waiting = -1;
        int running = -1;
        double kv = Double.NaN;
        double kvLegacy = Double.NaN;
        int blockSize = -1;
        int blocks = -1;
        int maxLoras = -1;
        double loraTime = Double.NEGATIVE_INFINITY;
        List<String> runningAdapters = List.of();
        List<String> waitingAdapters = List.of();

        void accept(EngineType e, String name, PrometheusText.Labels l, double v) {
            if (e == EngineType.TRITON) {
                triton(name, l, v);
                return;
            }
            if (name.equals(e.waiting)) {
                waiting = add(waiting, v);
            } else if (name.equals(e.running)) {
                running = add(running, v);
            } else if (name.equals(e.kvUsage)) {
                kv = Double.isNaN(kv) ? v : Math.max(kv, v);
            } else if (name.equals(e.kvUsageLegacy)) {
                kvLegacy = Double.isNaN(kvLegacy) ? v : Math.max(kvLegacy, v);
            } else if (name.equals(e.cacheConfig)) {
                blockSize = integer(l.get(e == EngineType.SGLANG ? "page_size" : "block_size"), blockSize);
                blocks = integer(l.get(e == EngineType.SGLANG ? "num_pages" : "num_gpu_blocks"), blocks);
            } else if (name.equals(e.lora) && v > loraTime) {
                loraTime = v;
                maxLoras = integer(l.get("max_lora"), maxLoras);
                runningAdapters = split(l.get("running_lora_adapters"));
                waitingAdapters = split(l.get("waiting_lora_adapters"));
            } else if (name.equals("trtllm_kv_cache_tokens_per_block")) {
                blockSize = (int) v;
            } else if (name.equals("trtllm_kv_cache_max_blocks")) {
                blocks = (int) v;
            }
        }

        private void triton(String name, PrometheusText.Labels l, double v) {
            if (name.equals("nv_trt_llm_request_metrics")) {
                String type = l.get("request_type");
                if ("waiting".equals(type)) {
                    waiting = add(waiting, v);
                } else if ("scheduled".equals(type)) {
                    running = add(running, v);
                }
            } else {
                switch (String.valueOf(l.get("kv_cache_block_type"))) {
                    case "fraction" -> kv = Double.isNaN(kv) ? v : Math.max(kv, v);
                    case "tokens_per" -> blockSize = (int) v;
                    case "max" -> blocks = (int) v;
                    default -> { }
                }
            }
        }

        ModelServerMetrics result() {
            return new ModelServerMetrics(waiting, running, Double.isNaN(kv) ? kvLegacy : kv, blockSize, blocks,
                    maxLoras, runningAdapters, waitingAdapters);
        }

        private static int add(int acc, double v) {
            return Double.isNaN(v) ? acc : (acc < 0 ? 0 : acc) + (int) v;
        }

        private static int integer(String s, int dflt) {
            try {
                return s == null ? dflt : Integer.parseInt(s.trim());
            } catch (NumberFormatException e) {
                return dflt;
            }
        }

        private static List<String> split(String s) {
            if (s == null || s.isBlank()) {
                return List.of();
            }
            return new ArrayList<>(Arrays.stream(s.split(",")).map(String::trim).filter(x -> !x.isEmpty()).toList());
        }
    }
}
