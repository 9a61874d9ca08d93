package dev.switchboard.extproc;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A model server whose {@code /metrics} the test sets: the vLLM gauges of its fields, and the LoRA adapters it
 * runs. Nothing else: the ext_proc tests play Envoy, so no request reaches it.
 */
final class MetricsEndpoint implements AutoCloseable {
    private final HttpServer server;
    private final ExecutorService executor = Executors.newFixedThreadPool(2);
    volatile int waiting;
    volatile int running;
    volatile double kvCacheUsage;
    volatile String runningAdapters = "";

    private MetricsEndpoint() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
        server.setExecutor(executor);
        server.createContext("/metrics", this::metrics);
        server.start();
    }

    static MetricsEndpoint start(int waiting, int running, double kvCacheUsage) throws IOException {
        MetricsEndpoint m = new MetricsEndpoint();
        m.waiting = waiting;
        m.running = running;
        m.kvCacheUsage = kvCacheUsage;
        return m;
    }

    int port() {
        return server.getAddress().getPort();
    }

    String address() {
        return "127.0.0.1:" + port();
    }

    private void metrics(HttpExchange x) throws IOException {
        byte[] bytes = """
                # TYPE vllm:num_requests_waiting gauge
                vllm:num_requests_waiting{model_name="base"} %d
                # TYPE vllm:num_requests_running gauge
                vllm:num_requests_running{model_name="base"} %d
                # TYPE vllm:kv_cache_usage_perc gauge
                vllm:kv_cache_usage_perc{model_name="base"} %s
                # TYPE vllm:lora_requests_info gauge
                vllm:lora_requests_info{max_lora="4",running_lora_adapters="%s",waiting_lora_adapters=""} 1.7e9
                """.formatted(waiting, running, kvCacheUsage, runningAdapters).getBytes(StandardCharsets.UTF_8);
        x.getResponseHeaders().set("content-type", "text/plain; version=0.0.4");
        x.sendResponseHeaders(200, bytes.length);
        try (var out = x.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
