package dev.switchboard.core.config;

import java.util.List;
import java.util.Map;

/**
 * Headers to set and remove on the request sent to a backend (Envoy AI Gateway's {@code headerMutation}).
 *
 * @param set    name and value of each header to set (replacing any the client sent)
 * @param remove names of headers to drop
 */
public record HeaderMutation(List<Map.Entry<String, String>> set, List<String> remove) {
    public static final HeaderMutation NONE = new HeaderMutation(List.of(), List.of());

    public HeaderMutation {
        set = List.copyOf(set);
        remove = List.copyOf(remove);
    }

    public boolean isEmpty() {
        return set.isEmpty() && remove.isEmpty();
    }

    /** This mutation, then {@code more} on top (a backendRef's mutation overrides its backend's). */
    public HeaderMutation then(HeaderMutation more) {
        if (more.isEmpty()) {
            return this;
        }
        if (isEmpty()) {
            return more;
        }
        List<Map.Entry<String, String>> s = new java.util.ArrayList<>(set);
        s.addAll(more.set);
        List<String> r = new java.util.ArrayList<>(remove);
        r.addAll(more.remove);
        return new HeaderMutation(s, r);
    }
}
