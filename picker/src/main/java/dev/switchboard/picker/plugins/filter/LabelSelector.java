package dev.switchboard.picker.plugins.filter;

import dev.switchboard.core.config.ConfigException;
import dev.switchboard.core.config.Fields;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A Kubernetes label selector ({@code metav1.LabelSelector}): {@code matchLabels} (every pair must hold) and
 * {@code matchExpressions[]{key, operator, values}} with operators {@code In} (the label is set to one of the values),
 * {@code NotIn} (unset, or set to none of them), {@code Exists}, {@code DoesNotExist}; all requirements must hold.
 * An empty selector matches everything, as in Kubernetes. Immutable.
 */
record LabelSelector(Map<String, String> matchLabels, List<Requirement> requirements) {
    enum Operator { In, NotIn, Exists, DoesNotExist }

    record Requirement(String key, Operator operator, Set<String> values) {
        boolean matches(Map<String, String> labels) {
            String v = labels.get(key);
            return switch (operator) {
                case In -> v != null && values.contains(v);
                case NotIn -> v == null || !values.contains(v);
                case Exists -> v != null;
                case DoesNotExist -> v == null;
            };
        }
    }

    LabelSelector {
        matchLabels = Map.copyOf(matchLabels);
        requirements = List.copyOf(requirements);
    }

    boolean matches(Map<String, String> labels) {
        for (Map.Entry<String, String> m : matchLabels.entrySet()) {
            if (!m.getValue().equals(labels.get(m.getKey()))) {
                return false;
            }
        }
        for (Requirement r : requirements) {
            if (!r.matches(labels)) {
                return false;
            }
        }
        return true;
    }

    /** Reads {@code matchLabels} and {@code matchExpressions} from {@code p}, validated as Kubernetes does. */
    static LabelSelector read(Fields p) throws ConfigException {
        Map<String, String> labels = new LinkedHashMap<>();
        Fields ml = p.optionalObject("matchLabels");
        for (Iterator<String> it = ml.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            String v = ml.optionalString(k, null);
            if (v == null) {
                throw ml.error(k, "expected a string (a label value)");
            }
            labels.put(k, v);
        }
        List<Requirement> requirements = new ArrayList<>(p.list("matchExpressions", e -> {
            e.only("key", "operator", "values");
            String key = e.string("key");
            String op = e.string("operator");
            Operator operator;
            try {
                operator = Operator.valueOf(op);
            } catch (IllegalArgumentException x) {
                throw e.error("operator", "expected In, NotIn, Exists or DoesNotExist, got '" + op + "'");
            }
            List<String> values = e.strings("values");
            boolean needsValues = operator == Operator.In || operator == Operator.NotIn;
            if (needsValues && values.isEmpty()) {
                throw e.error("values", "required: at least one value for operator " + op);
            }
            if (!needsValues && !values.isEmpty()) {
                throw e.error("values", "must be empty for operator " + op);
            }
            return new Requirement(key, operator, Set.copyOf(values));
        }));
        return new LabelSelector(labels, requirements);
    }
}
