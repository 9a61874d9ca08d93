package dev.switchboard.gateway.routing;

import dev.switchboard.core.config.BackendRef;
import dev.switchboard.core.config.Upstream;
import dev.switchboard.picker.pool.Endpoint;

/**
 * Where one attempt goes: a backend (with its ref's settings) at one of its addresses.
 *
 * @param endpoint the InferencePool endpoint at {@code upstream} when the ref is to a pool, else null
 */
public record Attempt(BackendRef ref, Upstream upstream, Endpoint endpoint) {
    public Attempt(BackendRef ref, Upstream upstream) {
        this(ref, upstream, null);
    }
}
