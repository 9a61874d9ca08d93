package dev.switchboard.providers.openai;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.core.error.ApiError;
import dev.switchboard.providers.chat.ChatError;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * OpenAI's error shape, {@code {"error":{"message","type","param","code"}}}, both ways. Reads vLLM's flat
 * {@code {"object":"error","message","type","param","code":400}} and Ollama's {@code {"error":"..."}} too. Writes the
 * shape and type words of core's {@link ApiError}, so the gateway's own errors and translated ones look alike.
 */
final class OpenAiErrors {
    /** The most of a foreign error body quoted in the message. */
    private static final int EXCERPT_CHARS = 200;

    private final ObjectMapper json;

    OpenAiErrors(ObjectMapper json) {
        this.json = json;
    }

    /** A backend's error answer; never throws. */
    ChatError decode(int status, byte[] body) {
        JsonNode root = null;
        try {
            root = body == null || body.length == 0 ? null : json.readTree(body);
        } catch (IOException | RuntimeException e) {
            // not JSON: quoted below
        }
        if (root != null && root.isObject()) {
            JsonNode e = root.get("error");
            if (e != null && e.isObject() && e.hasNonNull("message")) {
                return of(status, e);
            }
            if (e != null && e.isTextual()) {
                return new ChatError(status, ChatError.kindOf(status), e.asText(), null);
            }
            if ("error".equals(root.path("object").asText()) && root.hasNonNull("message")) {
                return of(status, root);
            }
        }
        return new ChatError(status, ChatError.kindOf(status),
                "the OpenAI-compatible backend answered " + status + ": " + excerpt(body), null);
    }

    /**
     * An error object's fields as an error. An HTTP error's kind follows its status, as the client will see it
     * (OpenAI answers an unknown model with a 404 of type {@code invalid_request_error}). {@code status} ≤ 0 is an
     * error event inside a 200 stream: the kind follows the type, the status a numeric {@code code} (vLLM) or the
     * kind.
     */
    static ChatError of(int status, String message, String type, String param, String code) {
        if (status > 0) {
            return new ChatError(status, ChatError.kindOf(status), message, param);
        }
        ChatError.Kind kind = kindOfType(type);
        int fromCode = code != null && code.matches("[1-5][0-9][0-9]") ? Integer.parseInt(code) : 0;
        if (fromCode > 0) {
            return new ChatError(fromCode, kind != null ? kind : ChatError.kindOf(fromCode), message, param);
        }
        return kind != null ? new ChatError(statusOf(kind), kind, message, param)
                : new ChatError(502, ChatError.Kind.SERVER, message, param);
    }

    byte[] encode(ChatError e) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(128 + e.message().length());
        try (JsonGenerator g = json.getFactory().createGenerator(out)) {
            write(g, e);
        } catch (IOException x) {
            throw new UncheckedIOException(x); // a byte array does not fail
        }
        return out.toByteArray();
    }

    /**
     * Writes {@code {"error":{"message","type","param","code"}}}: the body of an error answer and the data of an error
     * event in a stream. Same fields and words as core's {@link ApiError}; the code is set for a rate limit only.
     */
    static void write(JsonGenerator g, ChatError e) throws IOException {
        g.writeStartObject();
        g.writeObjectFieldStart("error");
        g.writeStringField("message", e.message());
        g.writeStringField("type", typeOf(e.kind()));
        g.writeStringField("param", e.param());
        g.writeStringField("code", e.kind() == ChatError.Kind.RATE_LIMIT ? "rate_limit_exceeded" : null);
        g.writeEndObject();
        g.writeEndObject();
    }

    /** OpenAI's type word for a kind; overloaded is {@code service_unavailable}, as core's ApiError writes a 503. */
    static String typeOf(ChatError.Kind kind) {
        return switch (kind) {
            case INVALID_REQUEST -> ApiError.INVALID_REQUEST;
            case AUTHENTICATION -> "authentication_error";
            case PERMISSION -> "permission_error";
            case NOT_FOUND -> ApiError.NOT_FOUND;
            case RATE_LIMIT -> ApiError.RATE_LIMIT;
            case OVERLOADED -> ApiError.SERVICE_UNAVAILABLE;
            case SERVER -> ApiError.SERVER_ERROR;
        };
    }

    private static ChatError of(int status, JsonNode e) {
        JsonNode code = e.get("code");
        return of(status, e.path("message").asText(), e.path("type").asText(null), e.path("param").asText(null),
                code == null || code.isNull() ? null : code.asText());
    }

    private static ChatError.Kind kindOfType(String type) {
        if (type == null) {
            return null;
        }
        return switch (type) {
            case "invalid_request_error", "BadRequestError" -> ChatError.Kind.INVALID_REQUEST;
            case "authentication_error" -> ChatError.Kind.AUTHENTICATION;
            case "permission_error" -> ChatError.Kind.PERMISSION;
            case "not_found_error", "NotFoundError" -> ChatError.Kind.NOT_FOUND;
            case "rate_limit_error", "insufficient_quota", "tokens" -> ChatError.Kind.RATE_LIMIT;
            case "service_unavailable", "overloaded_error" -> ChatError.Kind.OVERLOADED;
            case "server_error", "InternalServerError" -> ChatError.Kind.SERVER;
            default -> null;
        };
    }

    private static int statusOf(ChatError.Kind kind) {
        return switch (kind) {
            case INVALID_REQUEST -> 400;
            case AUTHENTICATION -> 401;
            case PERMISSION -> 403;
            case NOT_FOUND -> 404;
            case RATE_LIMIT -> 429;
            case OVERLOADED -> 503;
            case SERVER -> 500;
        };
    }

    private static String excerpt(byte[] body) {
        if (body == null || body.length == 0) {
            return "(empty body)";
        }
        String s = new String(body, 0, Math.min(body.length, EXCERPT_CHARS * 4), StandardCharsets.UTF_8)
                .replaceAll("\\s+", " ").strip();
        return s.length() > EXCERPT_CHARS ? s.substring(0, EXCERPT_CHARS) + "…" : s;
    }
}
