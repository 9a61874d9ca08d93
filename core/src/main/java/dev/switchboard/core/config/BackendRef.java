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
 * @param trust             which of the client's headers that carry authority this backend gets
 */
public record BackendRef(Backend backend, int weight, int priority, String modelNameOverride, HeaderMutation headerMutation,
        PoolConfig pool, ClientTrust trust) {

    public BackendRef(Backend backend, int weight, int priority, String modelNameOverride, HeaderMutation headerMutation) {
        this(backend, weight, priority, modelNameOverride, headerMutation, null, ClientTrust.NONE);
    }

    /**
     * What a client may decide for this backend through its own headers. By default nothing: the gateway is where
     * credentials and routing are decided, so a client's {@code authorization} (or {@code x-api-key}, ...) is not
     * sent on, and its {@code x-gateway-model-name-rewrite} (the Endpoint Picker Protocol's, which an Envoy in front
     * of an EPP sets, not a client) does not choose the model or adapter a pool serves.
     *
     * @param forwardCredentials send the client's credential headers ({@code forwardClientCredentials}): for a
     *                           backend that checks each client's own key
     * @param honorModelRewrite  let the request header {@code x-gateway-model-name-rewrite} pick the model an
     *                           InferencePool serves ({@code honorModelRewriteHeader}): behind a trusted proxy
     */
    public record ClientTrust(boolean forwardCredentials, boolean honorModelRewrite) {
        public static final ClientTrust NONE = new ClientTrust(false, false);
    }
}
