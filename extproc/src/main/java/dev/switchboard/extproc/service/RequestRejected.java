package dev.switchboard.extproc.service;

import dev.switchboard.core.config.ApiSchema;
import dev.switchboard.core.error.ApiError;
import dev.switchboard.providers.ClientErrors;
import java.util.Map;

/**
 * A request the processor answers itself (Envoy's immediate response): the error, any headers to add, and the API
 * family whose error shape the client reads (OpenAI unless the stream knows the client's API).
 */
final class RequestRejected extends Exception {
    private final transient ApiError error;
    private final transient Map<String, String> headers;
    private final ApiSchema.Family shape;

    RequestRejected(ApiError error) {
        this(error, Map.of());
    }

    RequestRejected(ApiError error, Map<String, String> headers) {
        this(error, headers, null);
    }

    /** @param shape the client's API family, or null for the stream's own idea of it */
    RequestRejected(ApiError error, Map<String, String> headers, ApiSchema.Family shape) {
        super(error.message(), null, false, false); // an answer, not a failure: no stack trace to fill
        this.error = error;
        this.headers = headers;
        this.shape = shape;
    }

    ApiError error() {
        return error;
    }

    Map<String, String> headers() {
        return headers;
    }

    /** The error's body in {@code fallback}'s shape, unless the refusal named the client's own. */
    byte[] body(ApiSchema.Family fallback) {
        return ClientErrors.body(shape != null ? shape : fallback, error);
    }
}
