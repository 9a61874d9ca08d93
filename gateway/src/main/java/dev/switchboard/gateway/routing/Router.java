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
    private final List<ListedModel> catalog;

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
        this.catalog = catalog(config, names);
    }

    /**
     * A model a client may ask for, as {@code GET /v1/models} lists it.
     *
     * @param id      the name to send
     * @param ownedBy who serves it: the provider of the backend its rule tries first, or the InferencePool's name
     */
    public record ListedModel(String id, String ownedBy) {}

    /**
     * Every name a rule serves: the exact model matches, and the aliases that reach a pool through a rule that
     * matches them (the InferenceModelRewrite names and the LoRA adapters of ConfigMaps), each listed once. Names
     * only a prefix or a regular expression would match cannot be enumerated and are not listed.
     */
    private List<ListedModel> catalog(GatewayConfig config, Set<String> exact) {
        Set<String> candidates = new LinkedHashSet<>(exact);
        for (var pool : config.pools()) {
            for (var rule : pool.rewrites().rules()) {
                candidates.addAll(rule.models());
            }
        }
        for (var lora : config.loraAdapters()) {
            candidates.add(lora.baseModel());
            candidates.addAll(lora.adapters());
        }
        List<ListedModel> out = new java.util.ArrayList<>();
        for (String name : candidates) {
            RouteRule rule = route(h -> HeaderNames.MODEL.equals(h) ? name : null);
            if (rule == null || rule.backendRefs().isEmpty()) {
                continue;
            }
            var first = rule.backendRefs().get(0);
            out.add(new ListedModel(name, first.pool() != null ? first.pool().name()
                    : first.backend().schema().name().providerName()));
        }
        return List.copyOf(out);
    }

    /** What {@code GET /v1/models} lists. */
    public List<ListedModel> catalog() {
        return catalog;
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
