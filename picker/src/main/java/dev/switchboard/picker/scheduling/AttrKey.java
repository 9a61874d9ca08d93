package dev.switchboard.picker.scheduling;

/**
 * A typed key for per-request data one plugin produces and others read (see {@link Attributes}).
 *
 * @param name for diagnostics
 * @param type the value's type
 */
public record AttrKey<T>(String name, Class<T> type) {
    public static <T> AttrKey<T> of(String name, Class<T> type) {
        return new AttrKey<>(name, type);
    }
}
