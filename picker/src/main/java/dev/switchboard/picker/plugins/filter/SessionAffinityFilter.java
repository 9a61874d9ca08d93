package dev.switchboard.picker.plugins.filter;

import dev.switchboard.core.config.ConfigException;
import dev.switchboard.core.config.Fields;
import dev.switchboard.picker.plugins.internal.SessionTokens;
import dev.switchboard.picker.pool.Endpoint;
import dev.switchboard.picker.scheduling.EndpointState;
import dev.switchboard.picker.scheduling.Filter;
import dev.switchboard.picker.scheduling.PickRequest;
import dev.switchboard.picker.scheduling.ResponseHeaderProcessor;
import dev.switchboard.picker.scheduling.TypedName;
import java.util.List;

/**
 * Type {@value #TYPE} (llm-d's): pins a client's session to the endpoint that served its previous request, as a hard
 * constraint. When the request's {@code x-session-token} (base64 of {@code host:port}) names a candidate, that
 * endpoint is the only one left; otherwise (no token, undecodable, or the endpoint is gone) every candidate passes,
 * so the filter never empties the list. Sets the header on every response, like {@code session-affinity-scorer}.
 *
 * <p>Parameters: {@code strategy} (default and only value {@code encoded_endpoint_header});
 * {@code encodedEndpointHeaderConfig.header} (default {@code x-session-token}).
 */
public final class SessionAffinityFilter implements Filter, ResponseHeaderProcessor {
    public static final String TYPE = "session-affinity-filter";

    private final TypedName name;
    private final String header;

    public SessionAffinityFilter(String name, String header) {
        this.name = new TypedName(TYPE, name);
        this.header = header;
    }

    public static SessionAffinityFilter create(String name, Fields p) throws ConfigException {
        p.only("strategy", "encodedEndpointHeaderConfig");
        SessionTokens.requireEncodedEndpoint(p, "strategy");
        Fields config = p.optionalObject("encodedEndpointHeaderConfig").only("header");
        return new SessionAffinityFilter(name, SessionTokens.header(config, "header"));
    }

    @Override
    public TypedName typedName() {
        return name;
    }

    @Override
    public List<EndpointState> filter(PickRequest request, List<EndpointState> endpoints) {
        int i = SessionTokens.find(request, header, endpoints);
        return i < 0 ? endpoints : List.of(endpoints.get(i));
    }

    @Override
    public void processResponseHeaders(PickRequest request, Endpoint servedBy, Headers headers) {
        headers.set(header, SessionTokens.encode(servedBy));
    }
}
