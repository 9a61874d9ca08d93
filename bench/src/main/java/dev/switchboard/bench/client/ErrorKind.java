package dev.switchboard.bench.client;

/** Why a request failed, as the load generator counts it. {@link #label()} is the stable name in reports. */
public enum ErrorKind {
    /** The server answered 429 Too Many Requests. */
    HTTP_429("http_429"),
    /** Any other 4xx answer. */
    HTTP_4XX("http_4xx"),
    /** A 5xx answer, or an error event inside a 200 stream. */
    HTTP_5XX("http_5xx"),
    /** The connection could not be opened (refused, unreachable, TLS handshake failed). */
    CONNECT("connect"),
    /** The connection closed or was reset before the response was complete. */
    RESET("reset"),
    /** No complete response within the request timeout. */
    TIMEOUT("timeout"),
    /** The response could not be understood: bad HTTP, SSE or JSON, or an unexpected status. */
    PROTOCOL("protocol");

    private final String label;

    ErrorKind(String label) {
        this.label = label;
    }

    /** The name used in tables and JSON, e.g. {@code http_429}. */
    public String label() {
        return label;
    }

    /** The kind for a non-2xx HTTP status (or an error code found in a stream); 2xx is not an error. */
    public static ErrorKind ofStatus(int status) {
        if (status == 429) {
            return HTTP_429;
        }
        if (status >= 400 && status < 500) {
            return HTTP_4XX;
        }
        if (status >= 500 && status < 600) {
            return HTTP_5XX;
        }
        return PROTOCOL;
    }
}
