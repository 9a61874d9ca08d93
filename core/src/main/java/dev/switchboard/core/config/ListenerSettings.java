package dev.switchboard.core.config;

import java.nio.file.Path;
import java.time.Duration;

/**
 * The gateway's own settings (kind {@code Gateway}, {@code switchboard.dev/v1alpha1}).
 *
 * @param host              address the API listens on
 * @param port              API port
 * @param adminHost         address of the admin listener; loopback unless configured, whatever {@code host} is,
 *                          because /metrics and /ready are for the operator, not for the API's clients
 * @param adminPort         port of /metrics, /health, /ready (0 = any free port)
 * @param maxBodyBytes      largest request body (413 above)
 * @param tlsCert           PEM certificate chain for HTTPS with HTTP/2 by ALPN, or null for cleartext
 * @param tlsKey            PEM private key (PKCS#8), with {@code tlsCert}
 * @param drainTimeout      how long a shutdown waits for in-flight requests
 * @param accessLog         write one JSON line per request
 * @param client            what a client connection may hold and for how long
 * @param upstreamIdleTimeout how long an idle keep-alive connection to an upstream is kept for reuse (positive)
 */
public record ListenerSettings(
        String host, int port, String adminHost, int adminPort, int maxBodyBytes, Path tlsCert, Path tlsKey,
        Duration drainTimeout, boolean accessLog, ClientLimits client, Duration upstreamIdleTimeout) {

    /**
     * Default {@link #upstreamIdleTimeout}: under the 5 s after which uvicorn (vLLM, SGLang) and Node close an idle
     * keep-alive connection, so the gateway closes first and never reuses a connection the server is closing.
     */
    public static final Duration DEFAULT_UPSTREAM_IDLE_TIMEOUT = Duration.ofSeconds(4);

    public static ListenerSettings defaults() {
        return new ListenerSettings("127.0.0.1", 8080, "127.0.0.1", 9901, 32 << 20, null, null, Duration.ofSeconds(20),
                true, ClientLimits.DEFAULTS, DEFAULT_UPSTREAM_IDLE_TIMEOUT);
    }

    /** These settings with the admin port on {@code host}:{@code port}. */
    public ListenerSettings withAdmin(String host, int port) {
        return new ListenerSettings(this.host, this.port, host, port, maxBodyBytes, tlsCert, tlsKey, drainTimeout,
                accessLog, client, upstreamIdleTimeout);
    }

    /** These settings with the API listening on {@code host}:{@code port}. */
    public ListenerSettings withListen(String host, int port) {
        return new ListenerSettings(host, port, adminHost, adminPort, maxBodyBytes, tlsCert, tlsKey, drainTimeout,
                accessLog, client, upstreamIdleTimeout);
    }

    /**
     * Limits on client connections, so that idle, slow or greedy clients cannot hold the gateway's connections and
     * memory.
     *
     * @param idleTimeout            how long a connection with no request in progress stays open (an HTTP/1.1 request
     *                               head must arrive within it too)
     * @param requestReceivedTimeout time from a request's head to the last byte of its body (408 after it)
     * @param maxBufferedBytes       request bodies the whole gateway holds in memory at once (503 past it)
     * @param maxBufferedBytesPerConnection request bodies one connection's HTTP/2 streams hold at once (503 past it)
     */
    public record ClientLimits(Duration idleTimeout, Duration requestReceivedTimeout, long maxBufferedBytes,
            long maxBufferedBytesPerConnection) {
        /**
         * Idle 60 s (nginx keeps idle keep-alive connections 75 s, Envoy's default is longer; a minute covers SDK
         * pools that reuse connections between calls); 60 s to send a request, enough for 32 MiB at 0.5 MB/s;
         * 512 MiB of bodies in all, 64 MiB (two full-size bodies) per connection.
         */
        public static final ClientLimits DEFAULTS = new ClientLimits(Duration.ofSeconds(60), Duration.ofSeconds(60),
                512L << 20, 64L << 20);
    }

    public boolean tls() {
        return tlsCert != null;
    }
}
