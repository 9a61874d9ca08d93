package dev.switchboard.bench.client;

/**
 * What one OpenAI-compatible stream chunk, or one whole response body, says that the load generator measures.
 *
 * @param content          generated text in it (chat {@code delta.content} / {@code message.content}, completions
 *                         {@code text}, reasoning text too), or null
 * @param promptTokens     {@code usage.prompt_tokens}, or {@link #ABSENT}
 * @param completionTokens {@code usage.completion_tokens}, or {@link #ABSENT}
 * @param cachedTokens     {@code usage.prompt_tokens_details.cached_tokens}, or {@link #ABSENT}
 * @param errorMessage     {@code error.message} of an error object, or null
 * @param errorCode        numeric {@code error.code} when the server gives one, else {@link #ABSENT}
 */
public record Chunk(String content, int promptTokens, int completionTokens, int cachedTokens, String errorMessage,
        int errorCode) {

    /** Marks a number the chunk does not carry. */
    public static final int ABSENT = -1;

    public boolean hasContent() {
        return content != null && !content.isEmpty();
    }

    public boolean hasUsage() {
        return completionTokens != ABSENT || promptTokens != ABSENT;
    }

    public boolean isError() {
        return errorMessage != null;
    }
}
