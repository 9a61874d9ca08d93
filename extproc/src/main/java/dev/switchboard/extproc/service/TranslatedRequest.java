package dev.switchboard.extproc.service;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import dev.switchboard.core.config.ApiSchema;
import dev.switchboard.core.config.Backend;
import dev.switchboard.core.config.BackendRef;
import dev.switchboard.core.error.ApiError;
import dev.switchboard.core.http.HeaderNames;
import dev.switchboard.extproc.protocol.EppNames;
import dev.switchboard.providers.ClientApi;
import dev.switchboard.providers.ClientPaths;
import dev.switchboard.providers.TranslationException;
import dev.switchboard.providers.Translator;
import dev.switchboard.providers.UpstreamCall;
import dev.switchboard.providers.credentials.BackendCredentials;
import dev.switchboard.providers.credentials.Credential;
import dev.switchboard.providers.credentials.CredentialsNotReadyException;
import dev.switchboard.providers.credentials.SignableRequest;
import dev.switchboard.providers.govern.ResponseHook;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One request translated for an AIServiceBackend inside the ext_proc stream: the header mutation Envoy applies
 * ({@code :path}, the schema's headers, the credential), the body it sends upstream, and how the response comes
 * back ({@link #response}). What the gateway's attempt does with {@link Translator}, as header edits instead of a
 * new request.
 */
final class TranslatedRequest {
    /*
     * Signing: Envoy adds and rewrites headers after this filter (x-forwarded-*, x-request-id, x-envoy-*) and may
     * re-frame the body (content-length), so a SigV4 signature covers only what it can trust to arrive unchanged:
     * the method, the upstream host (the backend's first address, which Envoy's cluster must send as the host),
     * the path, the schema's own headers, and the body's hash.
     */

    /** The client's headers a translated request never carries upstream (the processor decides these). */
    private static final List<String> NOT_FORWARDED = List.of(EppNames.DESTINATION_ENDPOINT,
            HeaderNames.MODEL_REWRITE);
    private static final byte[] NO_BYTES = new byte[0];

    final Map<String, String> set;
    final List<String> remove;
    final ByteString body;
    final BackendRef ref;
    final ClientApi api;
    /** The model the client asked for (shown in the translated response). */
    final String clientModel;
    private final UpstreamCall call;
    /** The client's model name back in a passed-on response, when the body was sent with another; or null. */
    final ModelNameRestorer restorer;

    private TranslatedRequest(Map<String, String> set, List<String> remove, ByteString body, BackendRef ref,
            ClientApi api, String clientModel, UpstreamCall call, ModelNameRestorer restorer) {
        this.set = set;
        this.remove = remove;
        this.body = body;
        this.ref = ref;
        this.api = api;
        this.clientModel = clientModel;
        this.call = call;
        this.restorer = restorer;
    }

    /**
     * Translates the request for {@code ref}'s backend.
     *
     * @param headers the client's request headers (pseudo-headers included)
     * @param hook    sees (and may rewrite) the response's events: the governance steps' ({@link StreamGovernance}),
     *                or null
     * @throws RequestRejected 400 in the client's shape when the request cannot be said in the backend's API; 503
     *                         when the backend's credential is not ready yet
     */
    static TranslatedRequest of(ClientPaths.Target target, BackendRef ref, Map<String, String> headers,
            ByteString raw, ParsedBody parsed, BackendCredentials credentials, ResponseHook hook)
            throws RequestRejected {
        ApiSchema.Family shape = target.api().family();
        Backend backend = ref.backend();
        String model = target.pathModel() != null ? target.pathModel() : parsed.model();
        String upstreamModel = ref.modelNameOverride() != null ? ref.modelNameOverride() : model;
        boolean stream = target.api() == ClientApi.GEMINI_STREAM_GENERATE || parsed.stream();
        String path = headers.getOrDefault(":path", "");
        int q = path.indexOf('?');
        UpstreamCall call;
        try {
            call = Translator.call(target.api(), backend, raw::toByteArray, target.pathModel(), upstreamModel, stream,
                    q < 0 ? null : path.substring(q + 1), hook);
        } catch (TranslationException e) { // the client's to fix: this request has no form in the backend's API
            throw new RequestRejected(ApiError.badRequest(e.getMessage(), e.param()), Map.of(), shape);
        }
        ByteString body = raw;
        ModelNameRestorer restorer = null;
        if (call.body() != null) {
            body = UnsafeByteOperations.unsafeWrap(call.body()); // the translator's own array, not changed again
        } else if (call.modelInBody() && parsed.modelStart() >= 0 && !upstreamModel.equals(parsed.model())) {
            body = parsed.withModel(raw, upstreamModel);
            restorer = new ModelNameRestorer(upstreamModel, parsed.model());
        }

        Map<String, String> set = new LinkedHashMap<>();
        List<String> remove = new ArrayList<>(NOT_FORWARDED);
        if (!ref.trust().forwardCredentials()) {
            remove.addAll(HeaderNames.CLIENT_CREDENTIALS);
        }
        if (call.body() != null) {
            remove.add("accept-encoding"); // the processor reads (translates) the response
        }
        ref.headerMutation().remove().forEach(remove::add);
        for (Map.Entry<String, String> e : ref.headerMutation().set()) {
            set.put(e.getKey(), e.getValue());
        }
        set.putAll(call.headers());
        set.put(":path", call.path());
        String host = backend.upstreams().isEmpty() ? headers.getOrDefault(":authority", "")
                : backend.upstreams().get(0).authority();
        if (!backend.upstreams().isEmpty()) {
            set.put(":authority", host); // applied only with the filter's allow_all_routing; the cluster's rewrite otherwise
        }
        set.put(HeaderNames.MODEL, model);
        set.put(EppNames.MODEL_NAME, model);
        set.put(HeaderNames.BACKEND, backend.name());
        set.put("content-length", Integer.toString(body.size()));
        authenticate(set, remove, call, host, headers.getOrDefault(":method", "POST"), body, credentials,
                backend.name(), shape);
        return new TranslatedRequest(set, remove, body, ref, target.api(), model, call, restorer);
    }

    /** Adds the backend's credential (a key header, a SigV4 signature over the final body, a token) to {@code set}. */
    private static void authenticate(Map<String, String> set, List<String> remove, UpstreamCall call, String host,
            String method, ByteString body, BackendCredentials credentials, String backend, ApiSchema.Family shape)
            throws RequestRejected {
        Credential credential = credentials.of(backend);
        if (credential == null) {
            return;
        }
        Map<String, String> signed = new LinkedHashMap<>(call.headers());
        SignableRequest s = new SignableRequest(method, host, call.path(), signed,
                credentials.signsBody(backend) ? body.toByteArray() : NO_BYTES);
        try {
            credential.apply(s);
        } catch (CredentialsNotReadyException e) {
            throw new RequestRejected(ApiError.serverError(503, "Backend '" + backend + "' has no credentials yet: "
                    + e.getMessage()), Map.of(), shape);
        }
        for (Map.Entry<String, String> e : s.headers().entrySet()) {
            if (!e.getValue().equals(signed.get(e.getKey()))) {
                set.put(e.getKey(), e.getValue());
                remove.remove(e.getKey()); // the credential's header, not the client's
            }
        }
    }

    /** How the backend's response becomes the client's, once its status is known. */
    UpstreamCall.ResponsePlan responses() {
        return call.responses();
    }
}
