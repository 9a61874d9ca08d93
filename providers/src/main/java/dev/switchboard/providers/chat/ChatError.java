package dev.switchboard.providers.chat;

/**
 * An error in no provider's shape: what a backend's error body is decoded into and the client's error body is
 * encoded from, so that a client always gets its own API's error shape, whichever provider failed.
 *
 * @param status  the HTTP status to answer with
 * @param kind    what went wrong
 * @param message for a person; never a secret
 * @param param   the request field at fault, or null
 */
public record ChatError(int status, Kind kind, String message, String param) {

    public static ChatError invalid(String message, String param) {
        return new ChatError(400, Kind.INVALID_REQUEST, message, param);
    }

    /** The kind that usually goes with {@code status}. */
    public static Kind kindOf(int status) {
        return switch (status) {
            case 400, 413, 422 -> Kind.INVALID_REQUEST;
            case 401 -> Kind.AUTHENTICATION;
            case 403 -> Kind.PERMISSION;
            case 404 -> Kind.NOT_FOUND;
            case 429 -> Kind.RATE_LIMIT;
            case 503, 529 -> Kind.OVERLOADED;
            default -> status >= 500 ? Kind.SERVER : Kind.INVALID_REQUEST;
        };
    }

    public enum Kind { INVALID_REQUEST, AUTHENTICATION, PERMISSION, NOT_FOUND, RATE_LIMIT, OVERLOADED, SERVER }
}
