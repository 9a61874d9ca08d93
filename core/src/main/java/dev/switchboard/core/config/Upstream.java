package dev.switchboard.core.config;

/**
 * One network address a backend is reached at.
 *
 * @param host hostname or IP
 * @param port TCP port
 * @param tls  whether to speak TLS (system trust store)
 */
public record Upstream(String host, int port, boolean tls) {
    public String authority() {
        return host.indexOf(':') >= 0 ? "[" + host + "]:" + port : host + ":" + port;
    }

    @Override
    public String toString() {
        return (tls ? "https://" : "http://") + authority();
    }
}
