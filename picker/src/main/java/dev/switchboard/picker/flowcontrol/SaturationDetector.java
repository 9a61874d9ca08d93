package dev.switchboard.picker.flowcontrol;

import dev.switchboard.picker.scheduling.EndpointState;
import dev.switchboard.picker.scheduling.Plugin;
import java.util.List;

/**
 * Says how loaded a pool is, for admission: below 1.0 the pool can take more work; at 1.0 or above it is saturated,
 * and sheddable requests are dropped (flow control off) or requests wait in the gateway's queue (flow control on).
 * Implementations are stateless and thread-safe: every request's admission may ask from any event loop.
 */
public interface SaturationDetector extends Plugin {
    /** The saturation at which a pool takes no more work. */
    double SATURATED = 1.0;

    /**
     * The pool's saturation: 0 idle, 1.0 at capacity, above 1.0 over it. A pool without endpoints is saturated.
     *
     * @param endpoints every endpoint of the pool, as the data layer sees it now
     */
    double saturation(List<EndpointState> endpoints);

    /** Whether the pool is saturated. */
    default boolean saturated(List<EndpointState> endpoints) {
        return saturation(endpoints) >= SATURATED;
    }
}
