package dev.switchboard.core.config;

import java.util.List;

/**
 * An {@code AIServiceBackend} resolved to where it lives: the endpoints of its Envoy Gateway {@code Backend}, the API
 * schema it speaks, and the header mutation applied to every request sent to it.
 *
 * @param name           the AIServiceBackend's name
 * @param schema         API schema name, e.g. {@code OpenAI}
 * @param upstreams      addresses, tried in order
 * @param headerMutation applied to every request to this backend
 */
public record Backend(String name, String schema, List<Upstream> upstreams, HeaderMutation headerMutation) {
    public Backend {
        upstreams = List.copyOf(upstreams);
    }
}
