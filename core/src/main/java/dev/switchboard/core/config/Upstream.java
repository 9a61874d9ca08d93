package dev.switchboard.core.config;

import java.nio.file.Path;

/**
 * One network address a backend is reached at.
 *
 * @param host hostname or IP
 * @param port TCP port
 * @param tls  how to speak TLS to it, or null for cleartext
 * @param authority {@code host:port} ({@code [v6]:port}), for the Host header and logs; derived (pass null), so it
 *                  is built once, not per request
 */
public record Upstream(String host, int port, Tls tls, String authority) {

    public Upstream {
        if (authority == null) {
            authority = host.indexOf(':') >= 0 ? "[" + host + "]:" + port : host + ":" + port;
        }
    }

    public Upstream(String host, int port, Tls tls) {
        this(host, port, tls, null);
    }

    /**
     * TLS towards an upstream. HTTP/2 is offered by ALPN and used when the upstream picks it.
     *
     * @param caFile             PEM CA certificates to trust instead of the system trust store, or null
     * @param insecureSkipVerify trust any certificate (tests and private networks only)
     * @param sni                server name to send and verify, or null for the host
     */
    public record Tls(Path caFile, boolean insecureSkipVerify, String sni) {
        public static final Tls SYSTEM = new Tls(null, false, null);
    }


    @Override
    public String toString() {
        return (tls != null ? "https://" : "http://") + authority();
    }
}
