package dev.switchboard.extproc.protocol;

/**
 * The names of the Endpoint Picker Protocol (Gateway API Inference Extension, v1.0) and of the body-based routing
 * headers, as they appear on the ext_proc stream: headers in lower case (HTTP/2 spelling, as Envoy sends them),
 * metadata namespaces and keys as the protocol writes them.
 */
public final class EppNames {
    /** The picked endpoints, {@code ip:port[,ip:port...]}, best first: a request header and a dynamic metadata key. */
    public static final String DESTINATION_ENDPOINT = "x-gateway-destination-endpoint";
    /** The metadata namespace of {@link #DESTINATION_ENDPOINT} (ours to Envoy) and {@link #SERVED_ENDPOINT} (back). */
    public static final String LB_NAMESPACE = "envoy.lb";
    /** The filter metadata namespace in which Envoy passes a subset hint. */
    public static final String SUBSET_HINT_NAMESPACE = "envoy.lb.subset_hint";
    /** The subset hint's key: a list of {@code ip:port} the pick must stay within (empty: none is eligible). */
    public static final String SUBSET_KEY = "x-gateway-destination-endpoint-subset";
    /** The endpoint that served the response (after Envoy's retries), in response-path metadata under envoy.lb. */
    public static final String SERVED_ENDPOINT = "x-gateway-destination-endpoint-served";
    /** Body-based routing: the request's model, as Envoy routes (HTTPRoute header matches) read it. */
    public static final String MODEL_NAME = "x-gateway-model-name";
    /**
     * Body-based routing: the base model of a LoRA adapter (the model itself for a base model, empty when unknown),
     * the header the Inference Extension's body-based router sets, so one route per base model serves its adapters.
     */
    public static final String BASE_MODEL_NAME = "x-gateway-base-model-name";
    /**
     * Which InferencePool of this process picks for the stream: a gRPC metadata header of the ext_proc call (set per
     * route with ExtProcPerRoute's grpc_initial_metadata) or, failing that, a request header.
     */
    public static final String POOL = "x-switchboard-pool";
    /**
     * A gRPC metadata header of the ext_proc call: {@code off} keeps the call's streams from translating for
     * AIServiceBackends (body-based routing only), for the router-level filter when the translating one runs
     * among a cluster's upstream filters.
     */
    public static final String TRANSLATE = "x-switchboard-translate";
    /**
     * A gRPC metadata header of the ext_proc call: {@code off} keeps the call's streams from authenticating clients,
     * for a second filter on the same request when an earlier one (of this processor) already did and removed the
     * credential headers. Set by Envoy's configuration, never by a client.
     */
    public static final String AUTH = "x-switchboard-auth";
    /**
     * Dynamic metadata key, under {@link #LB_NAMESPACE}: the id of the authenticated client (a virtual key's id,
     * a JWT's subject; never a credential), for Envoy's access log.
     */
    public static final String PRINCIPAL = "principal";
    /** Prefix of the dynamic metadata keys {@code principal.<label>}: the principal's labels ({@code team}, ...). */
    public static final String PRINCIPAL_LABEL_PREFIX = PRINCIPAL + ".";

    /** Largest body chunk Envoy is sent back in one message: the reference EPP's limit, under Envoy's 64 KiB advice. */
    public static final int BODY_CHUNK_BYTES = 62_000;

    private EppNames() {}
}
