package dev.switchboard.providers.bedrock;

import dev.switchboard.providers.chat.ChatError;

/**
 * Bedrock's exception types (the {@code :exception-type} of a stream's exception frame, the
 * {@code x-amzn-ErrorType} of an error answer) and the status each is answered with.
 */
final class BedrockExceptions {
    private BedrockExceptions() {}

    /**
     * The status for {@code type}. {@code modelStreamErrorException} is documented as 424, which no client expects:
     * it is the model failing mid-stream, so 502; a model timeout is 504.
     */
    static int status(String type) {
        if (type == null) {
            return 502;
        }
        return switch (type) {
            case "validationException" -> 400;
            case "accessDeniedException" -> 403;
            case "resourceNotFoundException" -> 404;
            case "throttlingException", "serviceQuotaExceededException" -> 429;
            case "serviceUnavailableException", "modelNotReadyException" -> 503;
            case "internalServerException" -> 500;
            case "modelTimeoutException" -> 504;
            default -> 502; // modelStreamErrorException, modelErrorException, and types we do not know
        };
    }

    /** The exception type a client of Bedrock expects for {@code status}: the simulator's and encodeError's. */
    static String typeOf(int status) {
        return switch (status) {
            case 400, 413, 422 -> "validationException";
            case 401, 403 -> "accessDeniedException";
            case 404 -> "resourceNotFoundException";
            case 429 -> "throttlingException";
            case 503, 529 -> "serviceUnavailableException";
            case 504 -> "modelTimeoutException";
            case 500 -> "internalServerException";
            default -> status > 500 ? "modelStreamErrorException" : "validationException";
        };
    }

    static ChatError error(String type, String message) {
        int status = status(type);
        return new ChatError(status, ChatError.kindOf(status),
                "Bedrock " + (type == null ? "error" : type) + ": " + (message == null ? "(no message)" : message), null);
    }
}
