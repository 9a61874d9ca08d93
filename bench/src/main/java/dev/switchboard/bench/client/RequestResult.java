package dev.switchboard.bench.client;

/**
 * How one inference request went, as measured by the client. Times are in nanoseconds from the moment the request
 * was handed to its connection.
 *
 * @param error        why it failed, or null when it succeeded
 * @param errorMessage the server's error message or the client-side reason, or null
 * @param status       HTTP status, or 0 when no response head arrived
 * @param ttftNanos    time to the first chunk carrying generated text, or -1 (none, or not sent)
 * @param e2eNanos     time to the end of the response (or to the failure), or -1 when never sent
 * @param outputTokens {@code usage.completion_tokens} when reported, else the number of content chunks (streamed)
 *                     or the approximate token count of the text (not streamed)
 * @param promptTokens {@code usage.prompt_tokens}, or -1
 * @param cachedTokens {@code usage.prompt_tokens_details.cached_tokens}, or -1
 * @param itlMicros    gaps between consecutive content chunks, microseconds (empty unless streamed)
 * @param reply        the generated text when it was asked for, else null
 */
public record RequestResult(ErrorKind error, String errorMessage, int status, long ttftNanos, long e2eNanos,
        int outputTokens, int promptTokens, int cachedTokens, int[] itlMicros, String reply) {

    public boolean ok() {
        return error == null;
    }
}
