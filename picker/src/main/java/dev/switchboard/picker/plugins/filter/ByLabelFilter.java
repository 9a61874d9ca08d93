package dev.switchboard.picker.plugins.filter;

import dev.switchboard.core.config.ConfigException;
import dev.switchboard.core.config.Fields;
import dev.switchboard.picker.scheduling.EndpointState;
import dev.switchboard.picker.scheduling.Filter;
import dev.switchboard.picker.scheduling.PickRequest;
import dev.switchboard.picker.scheduling.TypedName;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Type {@value #TYPE} (llm-d-inference-scheduler's): keeps the endpoints whose label {@code label} has one of
 * {@code validValues}, plus, when {@code allowsNoLabel}, those without the label. As the reference, a missing label
 * reads as the empty string, so {@code ""} among the valid values also keeps unlabelled endpoints.
 *
 * <p>Parameters: {@code label} (required), {@code validValues} (list of strings, default none),
 * {@code allowsNoLabel} (default false). No valid value and {@code allowsNoLabel: false} would keep nothing and is
 * rejected.
 */
public final class ByLabelFilter implements Filter {
    public static final String TYPE = "by-label";

    private final TypedName name;
    private final String label;
    private final Set<String> validValues;
    private final boolean allowsNoLabel;

    public ByLabelFilter(String name, String label, Set<String> validValues, boolean allowsNoLabel) {
        this.name = new TypedName(TYPE, name);
        this.label = label;
        this.validValues = Set.copyOf(validValues);
        this.allowsNoLabel = allowsNoLabel;
    }

    public static ByLabelFilter create(String name, Fields p) throws ConfigException {
        p.only("label", "validValues", "allowsNoLabel");
        String label = p.string("label");
        Set<String> values = new java.util.LinkedHashSet<>(p.strings("validValues"));
        boolean allowsNoLabel = p.bool("allowsNoLabel", false);
        if (values.isEmpty() && !allowsNoLabel) {
            throw p.error("validValues", "required: at least one value unless allowsNoLabel is true (else the "
                    + "filter keeps no endpoint)");
        }
        return new ByLabelFilter(name, label, values, allowsNoLabel);
    }

    @Override
    public TypedName typedName() {
        return name;
    }

    @Override
    public List<EndpointState> filter(PickRequest request, List<EndpointState> endpoints) {
        List<EndpointState> out = new ArrayList<>(endpoints.size());
        for (EndpointState e : endpoints) {
            String value = e.endpoint().labels().get(label);
            if (validValues.contains(value == null ? "" : value) || (value == null && allowsNoLabel)) {
                out.add(e);
            }
        }
        return out;
    }
}
