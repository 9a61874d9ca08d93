package dev.switchboard.picker.plugins.picker;

import dev.switchboard.picker.scheduling.Picker;
import dev.switchboard.picker.scheduling.TypedName;

/** What every built-in picker shares: its identity and {@code maxNumOfEndpoints}, the length of its answer. */
abstract class BoundedPicker implements Picker {
    private final TypedName name;
    final int maxNumOfEndpoints;

    BoundedPicker(String type, String name, int maxNumOfEndpoints) {
        if (maxNumOfEndpoints < 1) {
            throw new IllegalArgumentException("maxNumOfEndpoints must be >= 1, got " + maxNumOfEndpoints);
        }
        this.name = new TypedName(type, name);
        this.maxNumOfEndpoints = maxNumOfEndpoints;
    }

    @Override
    public final TypedName typedName() {
        return name;
    }
}
