package dev.switchboard.core.config;

import java.util.regex.Pattern;

/**
 * A Gateway API {@code HTTPHeaderMatch}, with Switchboard's {@code Prefix} type added. Matching the model is
 * matching the header {@code x-ai-eg-model}, which the gateway sets from the body.
 *
 * @param type  {@code Exact} (default), {@code Prefix} or {@code RegularExpression}
 * @param name  header name, case-insensitive
 * @param value the value, prefix or regular expression (whole-value match)
 */
public record HeaderMatch(Type type, String name, String value, Pattern pattern) {
    /** How a header value is compared. */
    public enum Type { Exact, Prefix, RegularExpression }

    public static HeaderMatch of(Type type, String name, String value) {
        Type t = type == null ? Type.Exact : type;
        return new HeaderMatch(t, name.toLowerCase(java.util.Locale.ROOT), value,
                t == Type.RegularExpression ? Pattern.compile(value) : null);
    }

    public boolean matches(String actual) {
        if (actual == null) {
            return false;
        }
        return switch (type) {
            case Exact -> actual.equals(value);
            case Prefix -> actual.startsWith(value);
            case RegularExpression -> pattern.matcher(actual).matches();
        };
    }
}
