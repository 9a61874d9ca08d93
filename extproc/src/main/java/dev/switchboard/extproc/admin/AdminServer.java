package dev.switchboard.extproc.admin;

import com.sun.net.httpserver.HttpExchange;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.function.BooleanSupplier;

/**
 * The admin port: Prometheus metrics at {@code /metrics} (Prometheus' own exporter), {@code /health} (the process
 * runs) and {@code /ready} (the configuration and pools are loaded), for Kubernetes probes that speak HTTP.
 */
public final class AdminServer implements AutoCloseable {
    private final HTTPServer server;

    private AdminServer(HTTPServer server) {
        this.server = server;
    }

    /** Starts on {@code host:port} (0 = any free port). */
    public static AdminServer start(String host, int port, ExtProcMetrics metrics, BooleanSupplier ready)
            throws IOException {
        HTTPServer server = HTTPServer.builder().hostname(host).port(port).registry(metrics.registry())
                .defaultHandler(x -> probe(x, ready)).buildAndStart();
        return new AdminServer(server);
    }

    private static void probe(HttpExchange x, BooleanSupplier ready) throws IOException {
        String path = x.getRequestURI().getPath();
        int status;
        String body;
        switch (path) {
            case "/health" -> {
                status = 200;
                body = "ok\n";
            }
            case "/ready" -> {
                boolean r = ready.getAsBoolean();
                status = r ? 200 : 503;
                body = r ? "ready\n" : "not ready\n";
            }
            default -> {
                status = 404;
                body = "not found: try /metrics, /health or /ready\n";
            }
        }
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        x.getResponseHeaders().set("content-type", "text/plain; charset=utf-8");
        x.sendResponseHeaders(status, bytes.length);
        try (OutputStream o = x.getResponseBody()) {
            o.write(bytes);
        }
    }

    public int port() {
        return server.getPort();
    }

    @Override
    public void close() {
        server.close();
    }
}
