package dev.switchboard.picker.scheduling;

/**
 * A plugin's identity: its type (code, e.g. {@code queue-scorer}, the reference EPP's names) and its instance name
 * (configuration; the type when not given).
 */
public record TypedName(String type, String name) {
    public static TypedName of(String type) {
        return new TypedName(type, type);
    }
}
