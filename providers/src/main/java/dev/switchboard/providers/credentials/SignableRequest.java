package dev.switchboard.providers.credentials;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * One attempt's request as credentials see it: method, host (with a port if not the scheme's default), the path with
 * its query exactly as it goes on the wire, the headers (names lower-case, one value each) and the body as it will be
 * sent (after translation). Mutable: a {@link Credential} adds its headers in place. Not thread-safe; one per attempt.
 */
public final class SignableRequest {
    private final String method;
    private final String host;
    private final String pathAndQuery;
    private final Map<String, String> headers = new TreeMap<>();
    private final byte[] body;

    /** @param body borrowed, not copied: the caller must not change it until the request is sent */
    public SignableRequest(String method, String host, String pathAndQuery, Map<String, String> headers, byte[] body) {
        this.method = method;
        this.host = host;
        this.pathAndQuery = pathAndQuery;
        this.body = body;
        headers.forEach(this::header);
    }

    public String method() {
        return method;
    }

    public String host() {
        return host;
    }

    /** The path and query as sent, e.g. {@code /model/anthropic.claude-3-5-sonnet-20240620-v1%3A0/converse}. */
    public String pathAndQuery() {
        return pathAndQuery;
    }

    /** The path, without the query. */
    public String path() {
        int q = pathAndQuery.indexOf('?');
        return q < 0 ? pathAndQuery : pathAndQuery.substring(0, q);
    }

    /** The raw query (after {@code ?}), or the empty string. */
    public String query() {
        int q = pathAndQuery.indexOf('?');
        return q < 0 ? "" : pathAndQuery.substring(q + 1);
    }

    /** The headers, names lower-case and sorted; live view. */
    public Map<String, String> headers() {
        return headers;
    }

    /** The value of header {@code name} (any case), or null. */
    public String header(String name) {
        return headers.get(name.toLowerCase(Locale.ROOT));
    }

    /** Sets header {@code name} (stored lower-case), replacing any value it had. */
    public SignableRequest header(String name, String value) {
        headers.put(name.toLowerCase(Locale.ROOT), value);
        return this;
    }

    public byte[] body() {
        return body;
    }

    /** Method, host and path only: header values may hold secrets once credentials are applied. */
    @Override
    public String toString() {
        return method + " " + host + path();
    }
}
