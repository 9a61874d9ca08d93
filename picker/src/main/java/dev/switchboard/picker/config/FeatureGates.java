package dev.switchboard.picker.config;

import dev.switchboard.core.config.ConfigException;
import dev.switchboard.core.config.Fields;
import java.util.List;

/**
 * An {@code EndpointPickerConfig}'s {@code featureGates}: entries {@code name}, {@code name=true} or
 * {@code name=false}. Switchboard knows one gate, {@code flowControl} (off by default, as in the reference).
 */
final class FeatureGates {
    static final String FLOW_CONTROL = "flowControl";

    private FeatureGates() {}

    /** Whether the {@code flowControl} gate is on. */
    static boolean flowControl(Fields config) throws ConfigException {
        boolean on = false;
        List<String> gates = config.strings("featureGates");
        for (int i = 0; i < gates.size(); i++) {
            String gate = gates.get(i).trim();
            int eq = gate.indexOf('=');
            String name = eq < 0 ? gate : gate.substring(0, eq);
            String value = eq < 0 ? "true" : gate.substring(eq + 1);
            if (!name.equals(FLOW_CONTROL)) {
                throw config.error("featureGates[" + i + "]", "unknown feature gate '" + name + "'; Switchboard knows "
                        + FLOW_CONTROL);
            }
            if (!value.equals("true") && !value.equals("false")) {
                throw config.error("featureGates[" + i + "]", "expected " + name + ", " + name + "=true or " + name
                        + "=false, got '" + gate + "'");
            }
            on = value.equals("true");
        }
        return on;
    }
}
