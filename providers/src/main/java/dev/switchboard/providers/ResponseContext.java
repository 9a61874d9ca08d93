package dev.switchboard.providers;

import dev.switchboard.providers.chat.ChatRequest;

/**
 * What a client-side encoder needs beside the events.
 *
 * @param model        the model name the client asked for (shown in the response)
 * @param requestId    the request's id, for response ids where the backend gave none
 * @param created      seconds since the epoch, for OpenAI's {@code created}
 * @param includeUsage whether a streamed OpenAI answer ends with the usage chunk
 * @param request      the client's request as decoded, for formats whose answer repeats its settings (the
 *                     Responses API's {@code instructions}, {@code tools}, {@code temperature}…), or null
 */
public record ResponseContext(String model, String requestId, long created, boolean includeUsage,
        ChatRequest request) {

    public ResponseContext(String model, String requestId, long created, boolean includeUsage) {
        this(model, requestId, created, includeUsage, null);
    }
}
