package dev.switchboard.picker.plugins.scorer;

import dev.switchboard.core.config.ConfigException;
import dev.switchboard.core.config.Fields;
import dev.switchboard.picker.plugins.internal.SessionTokens;
import dev.switchboard.picker.pool.Endpoint;
import dev.switchboard.picker.scheduling.EndpointState;
import dev.switchboard.picker.scheduling.PickRequest;
import dev.switchboard.picker.scheduling.ResponseHeaderProcessor;
import dev.switchboard.picker.scheduling.Scorer;
import dev.switchboard.picker.scheduling.TypedName;
import java.util.Arrays;
import java.util.List;

/**
 * Type {@value #TYPE} (llm-d's): keeps a client's session on the endpoint that served its previous request, as a
 * soft preference. The request header {@code x-session-token} carries base64 of that endpoint's {@code host:port}:
 * that endpoint scores 1, every other 0 (no token, a token that does not decode, or one naming an endpoint no longer
 * a candidate: all 0, no preference). As a {@link ResponseHeaderProcessor} it sets the header on every response to
 * the endpoint that served it, so a client that echoes the header sticks. Weight it above the load scorers' sum for
 * stickiness that load does not override; {@code session-affinity-filter} is the hard version.
 *
 * <p>Parameters: {@code headerName} (default {@code x-session-token}), the request and response header;
 * {@code algorithm} (default and only value {@code encoded_endpoint_header}; llm-d's server-side
 * {@code session_id_header} is not implemented).
 */
public final class SessionAffinityScorer implements Scorer, ResponseHeaderProcessor {
    public static final String TYPE = "session-affinity-scorer";

    private final TypedName name;
    private final String header;

    public SessionAffinityScorer(String name, String header) {
        this.name = new TypedName(TYPE, name);
        this.header = header;
    }

    public static SessionAffinityScorer create(String name, Fields p) throws ConfigException {
        p.only("headerName", "algorithm");
        SessionTokens.requireEncodedEndpoint(p, "algorithm");
        return new SessionAffinityScorer(name, SessionTokens.header(p, "headerName"));
    }

    @Override
    public TypedName typedName() {
        return name;
    }

    @Override
    public void score(PickRequest request, List<EndpointState> endpoints, double[] scores) {
        Arrays.fill(scores, 0, endpoints.size(), 0);
        int i = SessionTokens.find(request, header, endpoints);
        if (i >= 0) {
            scores[i] = 1;
        }
    }

    @Override
    public void processResponseHeaders(PickRequest request, Endpoint servedBy, Headers headers) {
        headers.set(header, SessionTokens.encode(servedBy));
    }
}
