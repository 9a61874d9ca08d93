package dev.switchboard.picker.scheduling;

import java.util.HashMap;
import java.util.Map;

/**
 * Per-request data shared between plugins through typed keys: no untyped bag, no casts at the call sites. One per
 * request; a pick runs on one thread, so it is not synchronized.
 */
public final class Attributes {
    private final Map<AttrKey<?>, Object> values = new HashMap<>(4);

    public <T> T get(AttrKey<T> key) {
        return key.type().cast(values.get(key));
    }

    public <T> void put(AttrKey<T> key, T value) {
        values.put(key, key.type().cast(value));
    }
}
