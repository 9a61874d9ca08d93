package dev.switchboard.extproc.service;

import com.google.protobuf.Struct;
import dev.switchboard.core.config.ApiSchema;
import dev.switchboard.core.error.ApiError;
import dev.switchboard.core.http.HeaderNames;
import dev.switchboard.extproc.protocol.EnvoyHeaders;
import dev.switchboard.extproc.protocol.LbMetadata;
import dev.switchboard.policy.Policies;
import dev.switchboard.policy.Principal;
import dev.switchboard.policy.auth.AuthResult;
import dev.switchboard.policy.auth.ClientCredentials;
import io.envoyproxy.envoy.config.core.v3.HeaderMap;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Client authentication on one ext_proc stream, the gateway's {@code ApiRequestHandler} steps said over ext_proc: at
 * the request headers, the credential from Envoy's header map and the principal it runs as (or the refusal Envoy
 * answers at once, before any body is buffered); once the body named the model, whether the principal may use it;
 * and what the headers answer tells Envoy about the principal (its credential headers removed, its id and labels
 * in dynamic metadata). One per stream, used on the stream's executor only.
 */
final class StreamAuthentication {
    /** The client credential headers, in a fixed order so the header mutation is the same on every request. */
    private static final List<String> CREDENTIAL_HEADERS = HeaderNames.CLIENT_CREDENTIALS.stream().sorted().toList();

    private final Principal principal;
    /** Whether a ClientAuth document authenticated the stream (false: anyone, nothing to remove or report). */
    private final boolean authenticated;
    /** The error shape of its refusals: the client's API, known from {@code :path}. */
    private final ApiSchema.Family shape;

    private StreamAuthentication(Principal principal, boolean authenticated, ApiSchema.Family shape) {
        this.principal = principal;
        this.authenticated = authenticated;
        this.shape = shape;
    }

    /**
     * Authenticates the request whose headers Envoy sent, when {@code policies} ask for it.
     *
     * @param path  the request's {@code :path}, query string included (a key in the query is refused)
     * @param shape the error shape of the client's API
     * @throws RequestRejected the denial (401 or 403), with its headers ({@code WWW-Authenticate}), in {@code shape}
     */
    static StreamAuthentication of(Policies policies, HeaderMap headers, String path, ApiSchema.Family shape)
            throws RequestRejected {
        if (!policies.authenticates()) {
            return new StreamAuthentication(Principal.ANONYMOUS, false, shape);
        }
        int q = path.indexOf('?');
        Map<String, List<String>> all = EnvoyHeaders.all(headers);
        AuthResult who = policies.authenticator().authenticate(new ClientCredentials(
                name -> all.getOrDefault(name, List.of()), q < 0 ? null : path.substring(q + 1)));
        if (who instanceof AuthResult.Denied d) {
            throw new RequestRejected(denied(d.status(), d.message(), d.code()), lowerCase(d.headers()), shape);
        }
        return new StreamAuthentication(((AuthResult.Authenticated) who).principal(), true, shape);
    }

    /** Who sent the request ({@link Principal#ANONYMOUS} when no ClientAuth document checked). */
    Principal principal() {
        return principal;
    }

    /**
     * Refuses a model the principal may not use, as the gateway does after routing.
     *
     * @param rule the name of the AIGatewayRoute rule the request matches, or null (none, or unnamed)
     * @throws RequestRejected 403 {@code model_not_allowed} in the client's shape
     */
    void checkModel(String model, String rule) throws RequestRejected {
        if (!principal.mayUse(model, rule)) {
            throw new RequestRejected(denied(403, "This key may not use model '" + model + "'"
                    + (rule == null ? "" : " through route '" + rule + "'") + "; ask for a key that lists it, or use"
                    + " one of the key's models.", "model_not_allowed"), Map.of(), shape);
        }
    }

    /**
     * The headers the request's answer removes: {@code remove}, plus the client's credential headers once a
     * ClientAuth document checked them, so a client's key never reaches a model server or a provider. A header
     * the answer sets (a backend's own credential, injected by the translation) is left out of the removal: the
     * answer then never both sets and removes one name, whatever order Envoy applies the two lists in.
     */
    List<String> removals(List<String> remove, Map<String, String> set) {
        if (!authenticated) {
            return remove;
        }
        List<String> out = new ArrayList<>(remove);
        for (String h : CREDENTIAL_HEADERS) {
            if (!set.containsKey(h) && !out.contains(h)) {
                out.add(h);
            }
        }
        return out;
    }

    /** {@code metadata} (or null) with the principal's id and labels added, once a ClientAuth document checked them. */
    Struct metadata(Struct metadata) {
        return authenticated ? LbMetadata.withPrincipal(metadata, principal.id(), principal.labels()) : metadata;
    }

    private static ApiError denied(int status, String message, String code) {
        return new ApiError(status, status == 401 ? ApiError.AUTHENTICATION : ApiError.PERMISSION, message, null, code);
    }

    /** Envoy's header mutations take lower-case names (HTTP/2's spelling); the denial spells them as HTTP/1.1 does. */
    private static Map<String, String> lowerCase(Map<String, String> headers) {
        Map<String, String> out = new LinkedHashMap<>();
        headers.forEach((k, v) -> out.put(k.toLowerCase(Locale.ROOT), v));
        return out;
    }
}
