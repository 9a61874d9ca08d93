package dev.switchboard.picker.plugins.internal;

import dev.switchboard.core.config.ConfigException;
import dev.switchboard.core.config.Fields;
import dev.switchboard.picker.pool.Endpoint;
import dev.switchboard.picker.scheduling.EndpointState;
import dev.switchboard.picker.scheduling.PickRequest;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

/**
 * The session token of the session-affinity plugins' {@code encoded_endpoint_header} strategy: base64 (standard
 * alphabet, padded) of the endpoint that served, which the client echoes on its next request. The reference EPP
 * encodes the pod's {@code namespace/name}; Switchboard's endpoints are addresses, so the token encodes
 * {@code host:port} (unique per endpoint, data-parallel ports included).
 */
public final class SessionTokens {
    /** The reference's request and response header. */
    public static final String DEFAULT_HEADER = "x-session-token";
    /** The only strategy implemented: the token carries the endpoint (stateless). */
    public static final String ENCODED_ENDPOINT_HEADER = "encoded_endpoint_header";

    private SessionTokens() {}

    /** The token naming {@code endpoint}. */
    public static String encode(Endpoint endpoint) {
        return Base64.getEncoder().encodeToString(endpoint.address().getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The position in {@code endpoints} of the endpoint the request's token (in {@code header}) names, or -1 when
     * there is no token, it is not valid base64, or it names no candidate: then the request has no affinity.
     */
    public static int find(PickRequest request, String header, List<EndpointState> endpoints) {
        String token = request.headers().get(header);
        if (token == null || token.isEmpty()) {
            return -1;
        }
        String address;
        try {
            address = new String(Base64.getDecoder().decode(token.trim()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return -1; // a client's garbage is no affinity, not an error
        }
        int colon = address.lastIndexOf(':');
        int port;
        try {
            port = Integer.parseInt(address, colon + 1, address.length(), 10);
        } catch (NumberFormatException | IndexOutOfBoundsException e) {
            return -1;
        }
        // compared as host and port: no string built per candidate
        for (int i = 0; i < endpoints.size(); i++) {
            Endpoint e = endpoints.get(i).endpoint();
            if (e.port() == port && e.host().length() == colon && address.startsWith(e.host())) {
                return i;
            }
        }
        return -1;
    }

    /** Reads a strategy parameter: only {@code encoded_endpoint_header} is implemented. */
    public static void requireEncodedEndpoint(Fields p, String field) throws ConfigException {
        String s = p.optionalString(field, ENCODED_ENDPOINT_HEADER);
        if (!s.equals(ENCODED_ENDPOINT_HEADER)) {
            throw p.error(field, "expected " + ENCODED_ENDPOINT_HEADER + " (the server-side session-id strategies "
                    + "are not implemented), got '" + s + "'");
        }
    }

    /** Reads a header-name parameter, lower-cased as the picker sees request headers. */
    public static String header(Fields p, String field) throws ConfigException {
        String h = p.optionalString(field, DEFAULT_HEADER);
        if (h.isBlank()) {
            throw p.error(field, "required: a non-empty header name");
        }
        return h.trim().toLowerCase(Locale.ROOT);
    }
}
