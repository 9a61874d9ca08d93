package dev.switchboard.core.error;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * An error as an OpenAI-compatible client expects it: an HTTP status plus the body
 * {@code {"error":{"message":...,"type":...,"param":...,"code":...}}}.
 *
 * @param status  HTTP status code
 * @param type    error type, e.g. {@link #INVALID_REQUEST}
 * @param message what went wrong, phrased so a person can act on it; never a stack trace or a secret
 * @param param   the request field at fault, or null
 * @param code    a machine-readable code, e.g. {@code model_not_found}, or null
 */
public record ApiError(int status, String type, String message, String param, String code) {
    public static final String INVALID_REQUEST = "invalid_request_error";
    public static final String NOT_FOUND = "not_found_error";
    /** OpenAI answers a bad key with 401 {@code invalid_request_error} and code {@code invalid_api_key}; the type is OpenAI's. */
    public static final String AUTHENTICATION = "invalid_request_error";
    public static final String PERMISSION = "permission_error";
    public static final String RATE_LIMIT = "rate_limit_error";
    public static final String SERVER_ERROR = "server_error";
    public static final String SERVICE_UNAVAILABLE = "service_unavailable";

    private static final JsonFactory JSON = new JsonFactory();

    public static ApiError badRequest(String message, String param) {
        return new ApiError(400, INVALID_REQUEST, message, param, null);
    }

    public static ApiError notFound(String message, String code) {
        return new ApiError(404, NOT_FOUND, message, null, code);
    }

    public static ApiError rateLimited(String message) {
        return new ApiError(429, RATE_LIMIT, message, null, "rate_limit_exceeded");
    }

    public static ApiError serverError(int status, String message) {
        return new ApiError(status, status == 503 ? SERVICE_UNAVAILABLE : SERVER_ERROR, message, null, null);
    }

    /** The response body, UTF-8 JSON. */
    public byte[] toJson() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(96 + message.length());
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeObjectFieldStart("error");
            g.writeStringField("message", message);
            g.writeStringField("type", type);
            g.writeStringField("param", param);
            g.writeStringField("code", code);
            g.writeEndObject();
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
