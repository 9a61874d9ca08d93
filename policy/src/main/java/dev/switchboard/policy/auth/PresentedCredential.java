package dev.switchboard.policy.auth;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The one credential a request presents, read strictly from the headers SDKs use, or the reason it is refused.
 *
 * <p>Accepted: {@code Authorization: Bearer <token>} (OpenAI SDKs and most clients), {@code x-api-key} (Anthropic
 * SDKs), {@code api-key} (Azure OpenAI SDKs), {@code x-goog-api-key} (Gemini SDKs). The rules, each because a
 * gateway and the proxy in front of it can disagree about what a lax reading means (header smuggling):
 * <ul>
 *   <li>Spaces and tabs around a value are optional whitespace in HTTP (RFC 9110 §5.5) and are removed; nothing
 *       else is normalized.</li>
 *   <li>A credential header sent twice is refused, as is a value with a comma (two values joined into one field):
 *       which one would a proxy in front have checked?</li>
 *   <li>A value is a token68 (RFC 7235: letters, digits, {@code -._~+/}, trailing {@code =}); so a control
 *       character, a non-ASCII character or inner whitespace is refused, never stripped. {@code Authorization} is
 *       the scheme {@code Bearer} (any case), one space, the token; another scheme (Basic) is refused.</li>
 *   <li>Several of these headers are accepted only when they carry the same value (some clients send both
 *       {@code Authorization} and {@code x-api-key}); different values are refused as ambiguous.</li>
 *   <li>A credential in the query string ({@code ?key=}, {@code ?api_key=}, {@code ?access_token=}...) is refused
 *       even when a header carries one too: URLs end up in access logs and browser histories.</li>
 * </ul>
 * Every refusal is a 401 whose message names the header, never the value.
 */
final class PresentedCredential {
    /** The headers read, in the order they are named in messages. */
    static final List<String> HEADERS = List.of("authorization", "x-api-key", "api-key", "x-goog-api-key");
    /** Query parameters that would carry a key: Gemini's {@code key}, RFC 6750's {@code access_token}, and kin. */
    static final Set<String> QUERY_PARAMETERS = Set.of("key", "api_key", "api-key", "apikey", "x-api-key",
            "access_token", "x-goog-api-key");

    private PresentedCredential() {}

    sealed interface Reading {}

    /** The credential, and the header it came from (the first, when several carried the same value). */
    record Found(String value, String header) implements Reading {
        @Override
        public String toString() {
            return "Found[from " + header + "]";
        }
    }

    record Absent() implements Reading {}

    record Refused(AuthResult.Denied denied) implements Reading {}

    static Reading read(ClientCredentials c) {
        String inQuery = credentialParameter(c.rawQuery());
        if (inQuery != null) {
            return new Refused(Denials.keyInQuery(inQuery));
        }
        String value = null;
        String from = null;
        for (String header : HEADERS) {
            List<String> values = c.values(header);
            if (values.isEmpty()) {
                continue;
            }
            if (values.size() > 1) {
                return new Refused(Denials.malformed(header + " was sent " + values.size() + " times; send it once"));
            }
            String v = strip(values.get(0));
            if (v.indexOf(',') >= 0) {
                return new Refused(Denials.malformed(header + " holds more than one value (a comma); send one credential"));
            }
            if (header.equals("authorization")) {
                int space = v.indexOf(' ');
                if (space < 0 || !v.substring(0, space).equalsIgnoreCase("bearer")) {
                    return new Refused(Denials.malformed("Authorization must use the Bearer scheme:"
                            + " Authorization: Bearer <key>"));
                }
                v = v.substring(space + 1);
            }
            if (v.isEmpty()) {
                return new Refused(Denials.malformed(header + " is empty; send the key in it"));
            }
            if (!isToken68(v)) {
                return new Refused(Denials.malformed(header + " holds characters a key never has (whitespace,"
                        + " control or non-ASCII characters); send the key alone"));
            }
            if (value == null) {
                value = v;
                from = header;
            } else if (!value.equals(v)) {
                return new Refused(Denials.malformed(from + " and " + header + " carry different credentials; send one"));
            }
        }
        return value == null ? new Absent() : new Found(value, from);
    }

    /** The first query parameter named like a credential, or null. */
    static String credentialParameter(String rawQuery) {
        if (rawQuery == null || rawQuery.isEmpty()) {
            return null;
        }
        for (String pair : rawQuery.split("[&;]")) {
            int eq = pair.indexOf('=');
            String name = eq < 0 ? pair : pair.substring(0, eq);
            try {
                name = URLDecoder.decode(name, StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                continue; // not a name we could match anyway
            }
            name = name.strip().toLowerCase(Locale.ROOT);
            if (QUERY_PARAMETERS.contains(name)) {
                return name;
            }
        }
        return null;
    }

    /** Removes HTTP optional whitespace (space, tab) at both ends, and nothing else. */
    static String strip(String v) {
        int start = 0;
        int end = v.length();
        while (start < end && (v.charAt(start) == ' ' || v.charAt(start) == '\t')) {
            start++;
        }
        while (end > start && (v.charAt(end - 1) == ' ' || v.charAt(end - 1) == '\t')) {
            end--;
        }
        return v.substring(start, end);
    }

    /** RFC 7235 token68: 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"=". */
    static boolean isToken68(String v) {
        int i = 0;
        int n = v.length();
        while (i < n) {
            char ch = v.charAt(i);
            if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '-'
                    || ch == '.' || ch == '_' || ch == '~' || ch == '+' || ch == '/') {
                i++;
            } else {
                break;
            }
        }
        if (i == 0) {
            return false;
        }
        while (i < n && v.charAt(i) == '=') {
            i++;
        }
        return i == n;
    }
}
