package dev.switchboard.core.config;

/**
 * A rule's reference to a backend, or to an InferencePool (then {@code backend} lists the pool's endpoints as its
 * upstreams, and the endpoint picker orders them per request).
 *
 * @param backend           the backend
 * @param weight            share of traffic among the refs of the same priority (0 = only as a fallback within it)
 * @param priority          0 is tried first; higher numbers only when every lower one failed
 * @param modelNameOverride model name sent to this backend instead of the client's, or null
 * @param headerMutation    the backend's mutation, then this ref's
 * @param pool              the InferencePool, or null for an AIServiceBackend
 */
public record BackendRef(Backend backend, int weight, int priority, String modelNameOverride, HeaderMutation headerMutation,
        PoolConfig pool) {

    public BackendRef(Backend backend, int weight, int priority, String modelNameOverride, HeaderMutation headerMutation) {
        this(backend, weight, priority, modelNameOverride, headerMutation, null);
    }
}
