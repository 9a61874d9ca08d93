package dev.switchboard.core.config;

/**
 * An {@code InferenceObjective}: a named priority for the requests to one InferencePool that name it in the header
 * {@code x-gateway-inference-objective}. Higher priorities are served first; below 0 a request is sheddable.
 *
 * @param name     the objective's name, as the header carries it
 * @param priority its priority (unset in the file = 0; may be negative)
 * @param pool     the InferencePool it applies to ({@code spec.poolRef.name})
 */
public record InferenceObjective(String name, int priority, String pool) {
    /** Whether requests of this objective may be dropped while their pool is saturated. */
    public boolean sheddable() {
        return priority < 0;
    }
}
