package dev.switchboard.gateway.routing;

import dev.switchboard.core.config.GatewayConfig;
import dev.switchboard.core.config.HeaderMatch;
import dev.switchboard.core.config.RouteRule;
import dev.switchboard.core.http.HeaderNames;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * Finds the rule that serves a request: the first rule, in configuration order, with a match whose header
 * conditions all hold. The model is matched as the header {@code x-ai-eg-model}, which the gateway sets from the
 * body before routing. Immutable; a config reload builds a new one.
 */
public final class Router {
    private final List<RouteRule> rules;
    private final List<String> models;

    public Router(GatewayConfig config) {
        this.rules = config.rules();
        Set<String> names = new LinkedHashSet<>();
        for (RouteRule r : rules) {
            for (List<HeaderMatch> m : r.matches()) {
                for (HeaderMatch h : m) {
                    if (h.type() == HeaderMatch.Type.Exact && h.name().equals(HeaderNames.MODEL)) {
                        names.add(h.value());
                    }
                }
            }
        }
        this.models = List.copyOf(names);
    }

    /**
     * The rule for a request, or null when none matches.
     *
     * @param header request header values by lower-case name; must answer {@code x-ai-eg-model} with the model
     */
    public RouteRule route(Function<String, String> header) {
        for (RouteRule rule : rules) {
            if (rule.matches(header)) {
                return rule;
            }
        }
        return null;
    }

    /** Every model named by an exact {@code x-ai-eg-model} match, for {@code GET /v1/models}. */
    public List<String> models() {
        return models;
    }
}
