package dev.switchboard.extproc.protocol;

import io.envoyproxy.envoy.config.core.v3.HeaderMap;
import io.envoyproxy.envoy.config.core.v3.HeaderValue;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Reads the headers Envoy sends on the stream: pseudo-headers ({@code :path}, {@code :status}) included. */
public final class EnvoyHeaders {
    private EnvoyHeaders() {}

    /**
     * The headers by lower-case name; a repeated name keeps its first value (what the picker's plugins read).
     * Envoy puts values in {@code raw_value} (bytes) since 1.27 and in {@code value} before: either is read.
     */
    public static Map<String, String> of(HeaderMap headers) {
        Map<String, String> out = new HashMap<>(Math.max(16, headers.getHeadersCount() * 2));
        for (HeaderValue h : headers.getHeadersList()) {
            out.putIfAbsent(h.getKey().toLowerCase(Locale.ROOT), value(h));
        }
        return out;
    }

    /**
     * Every value of each header, by lower-case name, in the order Envoy sent them: what client authentication
     * reads, so that a credential header sent twice is seen twice (and refused), not silently the first.
     */
    public static Map<String, List<String>> all(HeaderMap headers) {
        Map<String, List<String>> out = new HashMap<>(Math.max(16, headers.getHeadersCount() * 2));
        for (HeaderValue h : headers.getHeadersList()) {
            out.computeIfAbsent(h.getKey().toLowerCase(Locale.ROOT), k -> new ArrayList<>(1)).add(value(h));
        }
        return out;
    }

    /** One header's value, from whichever field Envoy filled. */
    public static String value(HeaderValue h) {
        return h.getRawValue().isEmpty() ? h.getValue() : h.getRawValue().toString(StandardCharsets.UTF_8);
    }
}
