package dev.switchboard.picker.scheduling;

import dev.switchboard.picker.pool.Endpoint;

/** A plugin that keeps per-endpoint state and must drop it when an endpoint leaves the pool. */
public interface EndpointListener extends Plugin {
    void endpointRemoved(Endpoint endpoint);
}
