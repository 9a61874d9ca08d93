package dev.switchboard.providers.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.providers.chat.ChatError;
import java.nio.charset.StandardCharsets;

/**
 * Anthropic's error shape, {@code {"type":"error","error":{"type":"overloaded_error","message":"…"}}}, both ways;
 * decoding also reads the plain {@code {"message":"…"}} bodies of Bedrock and Vertex and Google's
 * {@code {"error":{"code":…,"message":…,"status":…}}}, and falls back to an excerpt of anything else.
 */
final class AnthropicErrors {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    /** How much of an unreadable body goes into the message. */
    private static final int EXCERPT_CHARS = 200;

    private AnthropicErrors() {}

    static ChatError decode(String backend, int status, byte[] body) {
        try {
            if (body != null && body.length > 0) {
                JsonNode root = MAPPER.readTree(body);
                if (root != null && root.isObject()) {
                    JsonNode err = root.get("error");
                    if (err != null && err.isObject() && err.path("message").isTextual()) {
                        String type = err.path("type").isTextual() ? err.get("type").asText() : null;
                        return new ChatError(status, kindOf(type, status), err.get("message").asText(), null);
                    }
                    for (String f : new String[] {"message", "Message"}) {
                        if (root.path(f).isTextual()) {
                            return new ChatError(status, ChatError.kindOf(status), root.get(f).asText(), null);
                        }
                    }
                }
            }
        } catch (Exception e) {
            // not JSON: the excerpt below
        }
        String text = body == null ? "" : new String(body, StandardCharsets.UTF_8).strip();
        if (text.length() > EXCERPT_CHARS) {
            text = text.substring(0, EXCERPT_CHARS) + "…";
        }
        return new ChatError(status, ChatError.kindOf(status),
                backend + " answered " + status + (text.isEmpty() ? "" : ": " + text), null);
    }

    static byte[] encode(ChatError e) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("type", "error");
        ObjectNode err = root.putObject("error");
        err.put("type", typeOf(e));
        err.put("message", e.message() == null ? "" : e.message());
        try {
            return MAPPER.writeValueAsBytes(root);
        } catch (Exception ex) {
            throw new IllegalStateException(ex); // a tree of strings always writes
        }
    }

    /** Anthropic's error type for the chat model's kind (a 413 is {@code request_too_large}, as Anthropic says). */
    static String typeOf(ChatError e) {
        return switch (e.kind()) {
            case INVALID_REQUEST -> e.status() == 413 ? "request_too_large" : "invalid_request_error";
            case AUTHENTICATION -> "authentication_error";
            case PERMISSION -> "permission_error";
            case NOT_FOUND -> "not_found_error";
            case RATE_LIMIT -> "rate_limit_error";
            case OVERLOADED -> "overloaded_error";
            case SERVER -> "api_error";
        };
    }

    static ChatError.Kind kindOf(String type, int status) {
        if (type == null) {
            return ChatError.kindOf(status);
        }
        return switch (type) {
            case "invalid_request_error", "request_too_large" -> ChatError.Kind.INVALID_REQUEST;
            case "authentication_error" -> ChatError.Kind.AUTHENTICATION;
            case "permission_error", "billing_error" -> ChatError.Kind.PERMISSION;
            case "not_found_error" -> ChatError.Kind.NOT_FOUND;
            case "rate_limit_error" -> ChatError.Kind.RATE_LIMIT;
            case "overloaded_error" -> ChatError.Kind.OVERLOADED;
            case "api_error", "timeout_error" -> ChatError.Kind.SERVER;
            default -> ChatError.kindOf(status);
        };
    }

    /** The HTTP status Anthropic answers with for an error type (for an error event inside a 200 stream). */
    static int statusOf(String type, int fallback) {
        if (type == null) {
            return fallback;
        }
        return switch (type) {
            case "invalid_request_error" -> 400;
            case "authentication_error" -> 401;
            case "billing_error" -> 402;
            case "permission_error" -> 403;
            case "not_found_error" -> 404;
            case "request_too_large" -> 413;
            case "rate_limit_error" -> 429;
            case "timeout_error" -> 504;
            case "overloaded_error" -> 529;
            default -> fallback;
        };
    }
}
