package dev.switchboard.providers.credentials;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A token endpoint on 127.0.0.1 (the JDK's HttpServer) that answers from a script, one answer per request, and
 * records each request. With the script empty it answers 503.
 */
final class TokenServer implements AutoCloseable {
    record Answer(int status, String contentType, String body) {
    }

    record Received(String method, String path, Map<String, String> headers, Map<String, String> form) {
    }

    private final HttpServer server;
    private final ConcurrentLinkedQueue<Answer> script = new ConcurrentLinkedQueue<>();
    private final List<Received> received = new CopyOnWriteArrayList<>();

    TokenServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
    }

    TokenServer answer(int status, String contentType, String body) {
        script.add(new Answer(status, contentType, body));
        return this;
    }

    TokenServer json(int status, String body) {
        return answer(status, "application/json", body);
    }

    List<Received> received() {
        return received;
    }

    private void handle(HttpExchange exchange) throws IOException {
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        Map<String, String> headers = new LinkedHashMap<>();
        exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), v.getFirst()));
        Map<String, String> form = new LinkedHashMap<>();
        for (String pair : body.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                form.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        received.add(new Received(exchange.getRequestMethod(), exchange.getRequestURI().getPath(), headers, form));
        Answer a = script.poll();
        if (a == null) {
            a = new Answer(503, "text/plain", "no scripted answer");
        }
        byte[] out = a.body().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("content-type", a.contentType());
        exchange.sendResponseHeaders(a.status(), out.length);
        exchange.getResponseBody().write(out);
        exchange.close();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
