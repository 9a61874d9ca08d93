package dev.switchboard.picker.plugins.filter;

import dev.switchboard.core.config.ConfigException;
import dev.switchboard.core.config.Fields;
import dev.switchboard.picker.scheduling.EndpointState;
import dev.switchboard.picker.scheduling.Filter;
import dev.switchboard.picker.scheduling.PickRequest;
import dev.switchboard.picker.scheduling.TypedName;
import java.util.ArrayList;
import java.util.List;

/**
 * Type {@value #TYPE} (llm-d's; {@value #DEPRECATED_TYPE} is its older name and loads too): keeps the endpoints whose
 * labels match a Kubernetes label selector. Parameters are the selector itself: {@code matchLabels} (a map; every
 * pair must hold) and {@code matchExpressions[]{key, operator: In|NotIn|Exists|DoesNotExist, values}}; no parameters
 * keep every endpoint.
 */
public final class LabelSelectorFilter implements Filter {
    public static final String TYPE = "label-selector-filter";
    /** llm-d-inference-scheduler's earlier type name for the same filter. */
    public static final String DEPRECATED_TYPE = "by-label-selector";

    private final TypedName name;
    private final LabelSelector selector;

    LabelSelectorFilter(String name, LabelSelector selector) {
        this.name = new TypedName(TYPE, name);
        this.selector = selector;
    }

    public static LabelSelectorFilter create(String name, Fields p) throws ConfigException {
        p.only("matchLabels", "matchExpressions");
        return new LabelSelectorFilter(name, LabelSelector.read(p));
    }

    @Override
    public TypedName typedName() {
        return name;
    }

    @Override
    public List<EndpointState> filter(PickRequest request, List<EndpointState> endpoints) {
        List<EndpointState> out = new ArrayList<>(endpoints.size());
        for (EndpointState e : endpoints) {
            if (selector.matches(e.endpoint().labels())) {
                out.add(e);
            }
        }
        return out;
    }
}
