package dev.switchboard.providers.gemini;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.providers.chat.ChatError;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Google's error shape, {@code {"error":{"code":400,"message":"…","status":"INVALID_ARGUMENT"}}} (the Gemini API and
 * Vertex AI alike; Vertex's stream endpoints sometimes wrap it in a one-element array). The gRPC status word decides
 * the kind when it is there, the HTTP status otherwise.
 */
final class GeminiErrors {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int EXCERPT = 200;

    private GeminiErrors() {}

    /** Never throws: a body that is not Google's shape gives a message with an excerpt of it. */
    static ChatError decode(int status, byte[] body) {
        try {
            JsonNode root = body == null || body.length == 0 ? null : JSON.readTree(body);
            if (root != null && root.isArray() && !root.isEmpty()) {
                root = root.get(0);
            }
            JsonNode error = root == null ? null : root.get("error");
            if (error != null && error.isObject() && error.path("message").isTextual()) {
                ChatError.Kind kind = kindOf(error.path("status").asText(""), status);
                return new ChatError(status, kind, error.get("message").asText(), null);
            }
        } catch (IOException | RuntimeException e) {
            // not JSON: fall through to the excerpt
        }
        return new ChatError(status, ChatError.kindOf(status), "Gemini answered " + status + ": " + excerpt(body), null);
    }

    /** The error object's fields, for a whole body or the last event of a stream. */
    static void write(JsonGenerator g, ChatError e) throws IOException {
        g.writeStartObject();
        g.writeObjectFieldStart("error");
        g.writeNumberField("code", e.status());
        g.writeStringField("message", e.message());
        g.writeStringField("status", statusOf(e.kind()));
        g.writeEndObject();
        g.writeEndObject();
    }

    static String statusOf(ChatError.Kind kind) {
        return switch (kind) {
            case INVALID_REQUEST -> "INVALID_ARGUMENT";
            case AUTHENTICATION -> "UNAUTHENTICATED";
            case PERMISSION -> "PERMISSION_DENIED";
            case NOT_FOUND -> "NOT_FOUND";
            case RATE_LIMIT -> "RESOURCE_EXHAUSTED";
            case OVERLOADED -> "UNAVAILABLE";
            case SERVER -> "INTERNAL";
        };
    }

    static ChatError.Kind kindOf(String googleStatus, int httpStatus) {
        return switch (googleStatus) {
            case "INVALID_ARGUMENT", "FAILED_PRECONDITION", "OUT_OF_RANGE" -> ChatError.Kind.INVALID_REQUEST;
            case "UNAUTHENTICATED" -> ChatError.Kind.AUTHENTICATION;
            case "PERMISSION_DENIED" -> ChatError.Kind.PERMISSION;
            case "NOT_FOUND" -> ChatError.Kind.NOT_FOUND;
            case "RESOURCE_EXHAUSTED" -> ChatError.Kind.RATE_LIMIT;
            case "UNAVAILABLE" -> ChatError.Kind.OVERLOADED;
            case "INTERNAL", "DEADLINE_EXCEEDED", "UNKNOWN", "DATA_LOSS" -> ChatError.Kind.SERVER;
            default -> ChatError.kindOf(httpStatus);
        };
    }

    private static String excerpt(byte[] body) {
        if (body == null || body.length == 0) {
            return "(empty body)";
        }
        String s = new String(body, 0, Math.min(body.length, EXCERPT * 4), StandardCharsets.UTF_8).strip();
        s = s.replaceAll("\\s+", " ");
        return s.length() > EXCERPT ? s.substring(0, EXCERPT) + "…" : s;
    }
}
