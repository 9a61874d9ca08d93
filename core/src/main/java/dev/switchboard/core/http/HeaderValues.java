package dev.switchboard.core.http;

/**
 * Which header names and values an HTTP message may carry, exactly as Netty 4.2's validating headers
 * ({@code DefaultHttpHeaders}, built by {@code DefaultHttpHeadersFactory}) decide: a name or value they refuse
 * throws {@code IllegalArgumentException} at {@code set}, so whatever comes from configuration or from a request
 * body is checked here first, where the refusal can say what is wrong and where.
 *
 * <p>Names: one or more RFC 9110 {@code tchar}s ({@code !#$%&'*+-.^_`|~}, digits, letters). Values
 * (RFC 9110 field-content, as Netty reads it): empty, or a first character that is visible ({@code > 0x20} and not
 * DEL), then any characters but controls other than HTAB and DEL. A trailing space or tab is allowed (Netty does
 * not refuse it; a receiver trims it). Characters above {@code 0x7F} are allowed too, as Netty allows them, though
 * its HTTP/1.1 encoder writes {@code 0x80}-{@code 0xFF} as their Latin-1 byte and anything above as {@code '?'}.
 */
public final class HeaderValues {
    /*
     * Checked against Netty 4.2.18's HttpHeaderValidationUtil.validateValidHeaderValue and HttpUtil.validateToken
     * by HeaderValuesTest, over every char: a Netty upgrade that changes either shows up there.
     */

    /** HTAB, the one control character a value may hold (not first). */
    private static final char TAB = 0x09;
    /** DEL, never allowed in a value. */
    private static final char DEL = 0x7F;

    private HeaderValues() {}

    /** Whether {@code name} is a header name: non-empty, RFC 9110 token characters only. */
    public static boolean isValidName(CharSequence name) {
        return !name.isEmpty() && firstInvalidNameChar(name) < 0;
    }

    /** The index of the first character of {@code name} that is not a token character, or -1 when there is none. */
    public static int firstInvalidNameChar(CharSequence name) {
        for (int i = 0; i < name.length(); i++) {
            if (!isTokenChar(name.charAt(i))) {
                return i;
            }
        }
        return -1;
    }

    /** The index of the first character that makes {@code value} no header value, or -1 when it is one. */
    public static int firstInvalidValueChar(CharSequence value) {
        if (value.isEmpty()) {
            return -1;
        }
        char first = value.charAt(0);
        if (first <= ' ' || first == DEL) {
            return 0;
        }
        for (int i = 1; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < ' ' && c != TAB || c == DEL) {
                return i;
            }
        }
        return -1;
    }

    /** Whether {@code value} is a header value (see {@link #firstInvalidValueChar}). */
    public static boolean isValidValue(CharSequence value) {
        return firstInvalidValueChar(value) < 0;
    }

    /**
     * Why {@code value} is no header value, for an error message ({@code "character 0x0a (a control character) at
     * index 3"}), or null when it is one.
     */
    public static String describeInvalidValue(CharSequence value) {
        int at = firstInvalidValueChar(value);
        return at < 0 ? null : describe(value.charAt(at), at, at == 0 ? " (a value cannot start with it)" : "");
    }

    /** Why {@code name} is no header name, for an error message, or null when it is one. */
    public static String describeInvalidName(CharSequence name) {
        if (name.isEmpty()) {
            return "empty";
        }
        int at = firstInvalidNameChar(name);
        return at < 0 ? null : describe(name.charAt(at), at, " (a name is an RFC 9110 token: letters, digits and"
                + " !#$%&'*+-.^_`|~)");
    }

    private static String describe(char c, int at, String why) {
        String kind = c == ' ' ? "a space" : c == TAB ? "a tab" : c < ' ' || c == DEL ? "a control character"
                : c > DEL ? "not ASCII" : "'" + c + "'";
        return String.format("character 0x%02x (%s) at index %d%s", (int) c, kind, at, why);
    }

    private static boolean isTokenChar(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
                || c < DEL && "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
    }
}
