package dev.switchboard.core.config;

import java.nio.file.Path;
import java.time.Duration;

/**
 * The gateway's own settings (kind {@code Gateway}, {@code switchboard.dev/v1alpha1}).
 *
 * @param host              address to listen on
 * @param port              API port
 * @param adminPort         port of /metrics, /health, /ready (0 = any free port)
 * @param maxBodyBytes      largest request body (413 above)
 * @param tlsCert           PEM certificate chain for HTTPS with HTTP/2 by ALPN, or null for cleartext
 * @param tlsKey            PEM private key (PKCS#8), with {@code tlsCert}
 * @param drainTimeout      how long a shutdown waits for in-flight requests
 * @param accessLog         write one JSON line per request
 */
public record ListenerSettings(
        String host, int port, int adminPort, int maxBodyBytes, Path tlsCert, Path tlsKey, Duration drainTimeout,
        boolean accessLog) {

    public static ListenerSettings defaults() {
        return new ListenerSettings("127.0.0.1", 8080, 9901, 32 << 20, null, null, Duration.ofSeconds(20), true);
    }

    public boolean tls() {
        return tlsCert != null;
    }
}
