package dev.switchboard.extproc.service;

import dev.switchboard.core.error.ApiError;
import java.util.Map;

/** A request the processor answers itself (Envoy's immediate response): the error and any headers to add. */
final class RequestRejected extends Exception {
    private final transient ApiError error;
    private final transient Map<String, String> headers;

    RequestRejected(ApiError error) {
        this(error, Map.of());
    }

    RequestRejected(ApiError error, Map<String, String> headers) {
        super(error.message(), null, false, false); // an answer, not a failure: no stack trace to fill
        this.error = error;
        this.headers = headers;
    }

    ApiError error() {
        return error;
    }

    Map<String, String> headers() {
        return headers;
    }
}
