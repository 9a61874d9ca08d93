package dev.switchboard.core.config;

import java.nio.file.Path;
import java.util.Objects;

/**
 * One network address a backend is reached at.
 *
 * @param host hostname or IP
 * @param port TCP port
 * @param tls  how to speak TLS to it, or null for cleartext
 * @param authority {@code host:port} ({@code [v6]:port}; the host alone on the scheme's default port), for the Host
 *                  header and logs; derived (pass null), so it
 *                  is built once, not per request
 */
public record Upstream(String host, int port, Tls tls, String authority) {

    public Upstream {
        if (authority == null) { // the scheme's default port is left out, as browsers and SDKs send it (and sign it)
            String h = host.indexOf(':') >= 0 ? "[" + host + "]" : host;
            authority = port == (tls != null ? 443 : 80) ? h : h + ":" + port;
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


    /*
     * equals and hashCode by hand: an Upstream keys the per-loop connection pools and the outlier state, looked up
     * several times per request, and a record's generated methods go through method handles and hash every field.
     * The authority (host and port) is a String, which caches its hash.
     */
    @Override
    public boolean equals(Object o) {
        return o instanceof Upstream u && port == u.port && authority.equals(u.authority) && Objects.equals(tls, u.tls);
    }

    @Override
    public int hashCode() {
        return authority.hashCode() * 31 + (tls == null ? 0 : tls.hashCode());
    }

    @Override
    public String toString() {
        return (tls != null ? "https://" : "http://") + authority();
    }
}
