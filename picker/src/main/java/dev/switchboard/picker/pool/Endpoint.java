package dev.switchboard.picker.pool;

import dev.switchboard.picker.datalayer.EngineType;
import java.util.Map;
import java.util.Objects;

/**
 * One model-server endpoint of a pool: an address and port (each of an InferencePool's targetPorts is its own
 * endpoint), its labels, and the engine its metrics come from. Immutable; equal when all four are.
 */
public final class Endpoint {
    /*
     * A class, not a record, for two values computed once: a pick keys per-endpoint maps by endpoint (prefill
     * estimates, slots) for every endpoint of the pool, and a record's hashCode would hash the labels map on each
     * of those lookups (5 % of an ext_proc server's CPU with 100 endpoints); and the host:port address, which the
     * protocol and the prefix index use as the endpoint's name.
     */

    private final String host;
    private final int port;
    private final Map<String, String> labels;
    private final EngineType engine;
    private final String address;
    private final int hash;

    /**
     * @param host   IP address or host name
     * @param port   port
     * @param labels the pod's (or file entry's) labels
     * @param engine metric names to read, from the engine-type label
     */
    public Endpoint(String host, int port, Map<String, String> labels, EngineType engine) {
        this.host = host;
        this.port = port;
        this.labels = Map.copyOf(labels);
        this.engine = engine;
        this.address = host + ":" + port;
        this.hash = Objects.hash(address, this.labels, engine);
    }

    public String host() {
        return host;
    }

    public int port() {
        return port;
    }

    public Map<String, String> labels() {
        return labels;
    }

    public EngineType engine() {
        return engine;
    }

    /** {@code host:port}, the form the Endpoint Picker Protocol uses. */
    public String address() {
        return address;
    }

    @Override
    public boolean equals(Object o) {
        return o == this || o instanceof Endpoint e && hash == e.hash && port == e.port && address.equals(e.address)
                && engine == e.engine && labels.equals(e.labels);
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public String toString() {
        return "Endpoint[" + address + (labels.isEmpty() ? "" : ", " + labels) + ", " + engine + "]";
    }
}
