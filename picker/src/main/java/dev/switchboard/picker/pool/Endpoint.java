package dev.switchboard.picker.pool;

import dev.switchboard.picker.datalayer.EngineType;
import java.util.Map;

/**
 * One model-server endpoint of a pool: an address and port (each of an InferencePool's targetPorts is its own
 * endpoint), its labels, and the engine its metrics come from.
 *
 * @param host   IP address or host name
 * @param port   port
 * @param labels the pod's (or file entry's) labels
 * @param engine metric names to read, from the engine-type label
 */
public record Endpoint(String host, int port, Map<String, String> labels, EngineType engine) {
    public Endpoint {
        labels = Map.copyOf(labels);
    }

    /** {@code host:port}, the form the Endpoint Picker Protocol uses. */
    public String address() {
        return host + ":" + port;
    }
}
