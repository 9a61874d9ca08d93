package dev.switchboard.extproc;

/**
 * How {@code switchboard extproc} runs.
 *
 * @param host             address the gRPC port and the admin port bind
 * @param port             ext_proc and gRPC health port (the reference EPP's 9002); 0 = any free port
 * @param adminPort        Prometheus metrics, /health and /ready (the reference EPP's 9090); 0 = any free port,
 *                         -1 = none
 * @param defaultPool      the pool that picks when a stream names none, or null (see the service's PoolSelector)
 * @param bodyBasedRouting streams that name no pool get body-based routing only (model headers, no pick)
 * @param maxBodyBytes     largest request body buffered; a larger one is answered 413
 * @param maxDestinations  endpoints sent in x-gateway-destination-endpoint: the pick plus fallbacks for retries
 * @param ioThreads        event loop threads; 0 = Netty's default (two per core)
 */
public record ExtProcSettings(String host, int port, int adminPort, String defaultPool, boolean bodyBasedRouting,
        long maxBodyBytes, int maxDestinations, int ioThreads) {
    /** The reference EPP's ext_proc port. */
    public static final int DEFAULT_PORT = 9002;
    /** The reference EPP's metrics port. */
    public static final int DEFAULT_ADMIN_PORT = 9090;
    /** A prompt of a few hundred thousand tokens fits; Envoy's own default buffer limit is far below anyway. */
    public static final long DEFAULT_MAX_BODY_BYTES = 32L << 20;
    /**
     * The pick alone, as the reference EPP sends by default. Envoy's ORIGINAL_DST cluster (Agent Router's, llm-d's
     * standalone Envoy) parses the header as one {@code ip:port} and answers 503 to a list, so only one endpoint is
     * a drop-in everywhere; behind the override_host policy (Istio), which walks the list on retries, raise it.
     */
    public static final int DEFAULT_MAX_DESTINATIONS = 1;

    public ExtProcSettings {
        if (maxBodyBytes < 1024) {
            throw new IllegalArgumentException("the max body size must be at least 1024 bytes, got " + maxBodyBytes);
        }
        if (maxDestinations < 1) {
            throw new IllegalArgumentException("at least one destination endpoint is needed, got " + maxDestinations);
        }
        if (defaultPool != null && defaultPool.isBlank()) {
            defaultPool = null;
        }
    }

    /** The defaults on these ports, all addresses. */
    public static ExtProcSettings defaults(int port, int adminPort) {
        return new ExtProcSettings("0.0.0.0", port, adminPort, null, false, DEFAULT_MAX_BODY_BYTES,
                DEFAULT_MAX_DESTINATIONS, 0);
    }

    public ExtProcSettings withDefaultPool(String pool) {
        return new ExtProcSettings(host, port, adminPort, pool, bodyBasedRouting, maxBodyBytes, maxDestinations,
                ioThreads);
    }

    public ExtProcSettings withBodyBasedRouting(boolean on) {
        return new ExtProcSettings(host, port, adminPort, defaultPool, on, maxBodyBytes, maxDestinations, ioThreads);
    }

    public ExtProcSettings withMaxBodyBytes(long bytes) {
        return new ExtProcSettings(host, port, adminPort, defaultPool, bodyBasedRouting, bytes, maxDestinations,
                ioThreads);
    }

    public ExtProcSettings withHost(String address) {
        return new ExtProcSettings(address, port, adminPort, defaultPool, bodyBasedRouting, maxBodyBytes,
                maxDestinations, ioThreads);
    }

    public ExtProcSettings withMaxDestinations(int n) {
        return new ExtProcSettings(host, port, adminPort, defaultPool, bodyBasedRouting, maxBodyBytes, n, ioThreads);
    }

    public ExtProcSettings withIoThreads(int n) {
        return new ExtProcSettings(host, port, adminPort, defaultPool, bodyBasedRouting, maxBodyBytes,
                maxDestinations, n);
    }
}
