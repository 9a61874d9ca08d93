package dev.switchboard.gateway;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A model server whose load the test sets: {@code /metrics} reports the vLLM gauges from its fields (or answers
 * 503 while {@link #metricsUp} is false, so its metrics go stale; or serves {@link #metricsPage} verbatim; or never
 * answers while {@link #metricsHang}; each after {@link #metricsDelayMillis}), and {@code /v1/chat/completions} answers a
 * small completion and counts the requests that reached it. The client ports each path was reached from tell how
 * many connections the gateway used.
 */
final class FakeModelServer implements AutoCloseable {
    private final HttpServer server;
    private final ExecutorService executor = Executors.newFixedThreadPool(4);
    volatile int waiting;
    volatile int running;
    volatile double kvCacheUsage;
    volatile boolean metricsUp = true;
    /** When set, the whole metrics page, answered with 200. */
    volatile String metricsPage;
    /** When true, metrics requests are read and never answered. */
    volatile boolean metricsHang;
    /** How long each metrics request waits before it is answered. */
    volatile int metricsDelayMillis;
    /** Metrics requests that reached this server. */
    final AtomicInteger metricsRequests = new AtomicInteger();
    /** The client ports metrics requests came from: one per connection. */
    final Set<Integer> metricsConnections = ConcurrentHashMap.newKeySet();
    /** Chat completions that reached this server. */
    final AtomicInteger completions = new AtomicInteger();

    private FakeModelServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
        server.setExecutor(executor);
        server.createContext("/metrics", this::metrics);
        server.createContext("/v1/chat/completions", this::completion);
        server.start();
    }

    static FakeModelServer start() throws IOException {
        return new FakeModelServer();
    }

    int port() {
        return server.getAddress().getPort();
    }

    /** Sets the reported load. */
    FakeModelServer load(int waiting, int running, double kvCacheUsage) {
        this.waiting = waiting;
        this.running = running;
        this.kvCacheUsage = kvCacheUsage;
        return this;
    }

    private void metrics(HttpExchange x) throws IOException {
        metricsRequests.incrementAndGet();
        metricsConnections.add(x.getRemoteAddress().getPort());
        if (metricsDelayMillis > 0) {
            try {
                Thread.sleep(metricsDelayMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        if (metricsHang) {
            return; // the exchange stays open: the scraper has to give up on its own
        }
        if (metricsPage != null) {
            reply(x, 200, "text/plain", metricsPage);
            return;
        }
        if (!metricsUp) {
            reply(x, 503, "text/plain", "metrics unavailable");
            return;
        }
        reply(x, 200, "text/plain; version=0.0.4", """
                # TYPE vllm:num_requests_waiting gauge
                vllm:num_requests_waiting{model_name="fake"} %d
                # TYPE vllm:num_requests_running gauge
                vllm:num_requests_running{model_name="fake"} %d
                # TYPE vllm:kv_cache_usage_perc gauge
                vllm:kv_cache_usage_perc{model_name="fake"} %s
                """.formatted(waiting, running, kvCacheUsage));
    }

    private void completion(HttpExchange x) throws IOException {
        x.getRequestBody().readAllBytes();
        completions.incrementAndGet();
        reply(x, 200, "application/json", """
                {"id":"chatcmpl-fake","object":"chat.completion","created":1,"model":"fake","choices":[{"index":0,\
                "message":{"role":"assistant","content":"ok"},"finish_reason":"stop"}],\
                "usage":{"prompt_tokens":3,"completion_tokens":1,"total_tokens":4}}""");
    }

    private static void reply(HttpExchange x, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        x.getResponseHeaders().set("content-type", type);
        x.sendResponseHeaders(status, bytes.length);
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
