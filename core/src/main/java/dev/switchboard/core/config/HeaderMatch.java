package dev.switchboard.core.config;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;

/**
 * A Gateway API {@code HTTPHeaderMatch}, with Switchboard's {@code Prefix} type added. Matching the model is
 * matching the header {@code x-ai-eg-model}, which the gateway sets from the body.
 *
 * <p>A {@code RegularExpression} is RE2 syntax, matched against the whole value with RE2J: the value comes from the
 * client, and RE2 takes time linear in its length whatever the pattern, where a backtracking engine
 * ({@code java.util.regex}) can take minutes on a short hostile value. It is also what Envoy's {@code safe_regex}
 * uses, so a Gateway API route means the same here. RE2 has no backreferences and no lookaround; a pattern using
 * them is refused when the configuration loads.
 *
 * @param type    {@code Exact} (default), {@code Prefix} or {@code RegularExpression}
 * @param name    header name, lower case (header names are case-insensitive)
 * @param value   the value, prefix or regular expression
 * @param pattern the compiled regular expression, or null for the other types
 */
public record HeaderMatch(Type type, String name, String value, Pattern pattern) {
    /** How a header value is compared. */
    public enum Type { Exact, Prefix, RegularExpression }

    /**
     * A match; {@code type} null means {@code Exact}.
     *
     * @throws IllegalArgumentException when a regular expression is not valid RE2 syntax (the message says why)
     */
    public static HeaderMatch of(Type type, String name, String value) {
        Type t = type == null ? Type.Exact : type;
        return new HeaderMatch(t, name.toLowerCase(java.util.Locale.ROOT), value,
                t == Type.RegularExpression ? compile(value) : null);
    }

    private static Pattern compile(String regex) {
        try {
            return Pattern.compile(regex);
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException("not a valid RE2 regular expression (no backreferences or lookaround): "
                    + e.getMessage(), e);
        }
    }

    public boolean matches(String actual) {
        if (actual == null) {
            return false;
        }
        return switch (type) {
            case Exact -> actual.equals(value);
            case Prefix -> actual.startsWith(value);
            case RegularExpression -> pattern.matches(actual);
        };
    }
}
