package dev.switchboard.policy.auth;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * What a client sent that may authenticate it: its request headers (every value of a name, so a header sent twice
 * can be refused) and the raw query string (so a key put in the URL can be refused). Plain values: the gateway and
 * the Envoy processor each build one from their own request type. Its {@code toString} holds no header value.
 *
 * @param headers  every value of a header, by lower-case name; an empty list when absent (never null)
 * @param rawQuery the query string as sent, without the {@code ?}, still percent-encoded; null or empty for none
 */
public record ClientCredentials(Function<String, List<String>> headers, String rawQuery) {
    public ClientCredentials {
        Objects.requireNonNull(headers, "headers");
    }

    /** From a map of header names (any case) to their values; names are lower-cased here. */
    public static ClientCredentials of(Map<String, List<String>> headers, String rawQuery) {
        Map<String, List<String>> lower = new HashMap<>();
        headers.forEach((name, values) -> lower.computeIfAbsent(name.toLowerCase(Locale.ROOT), k -> new java.util.ArrayList<>())
                .addAll(values));
        return new ClientCredentials(name -> lower.getOrDefault(name, List.of()), rawQuery);
    }

    /** Each header sent once, by name (any case), with no query string. */
    public static ClientCredentials ofHeaders(Map<String, String> headers) {
        Map<String, List<String>> multi = new HashMap<>();
        headers.forEach((k, v) -> multi.put(k, List.of(v)));
        return of(multi, null);
    }

    /** The values of the header {@code lowerCaseName}; empty when absent. */
    public List<String> values(String lowerCaseName) {
        List<String> v = headers.apply(lowerCaseName);
        return v == null ? List.of() : v;
    }

    @Override
    public String toString() {
        return "ClientCredentials[headers and query not shown]";
    }
}
