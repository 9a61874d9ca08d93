package dev.switchboard.bench.client;

import java.net.URI;
import java.util.Locale;

/**
 * Where connections go: scheme, host and port. Connections are pooled per origin.
 *
 * @param tls  true for {@code https}
 * @param host host name or address literal, without brackets
 * @param port TCP port
 */
public record Origin(boolean tls, String host, int port) {

    public Origin {
        if (host == null || host.isEmpty()) {
            throw new IllegalArgumentException("an origin needs a host");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port " + port + " is out of range");
        }
    }

    /** The origin of an {@code http} or {@code https} URL; the port defaults to 80 or 443. */
    public static Origin of(URI url) {
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new IllegalArgumentException("URL " + url + " must start with http:// or https://");
        }
        String host = url.getHost();
        if (host == null || host.isEmpty()) {
            throw new IllegalArgumentException("URL " + url + " has no host");
        }
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        boolean tls = scheme.equals("https");
        int port = url.getPort() > 0 ? url.getPort() : (tls ? 443 : 80);
        return new Origin(tls, host, port);
    }

    /** The value of the {@code Host} header: the port only when it is not the scheme's default. */
    public String hostHeader() {
        String h = host.indexOf(':') >= 0 ? "[" + host + "]" : host;
        return port == (tls ? 443 : 80) ? h : h + ":" + port;
    }

    @Override
    public String toString() {
        return (tls ? "https://" : "http://") + hostHeader();
    }
}
