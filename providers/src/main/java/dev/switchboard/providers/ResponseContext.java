package dev.switchboard.providers;

/**
 * What a client-side encoder needs beside the events.
 *
 * @param model        the model name the client asked for (shown in the response)
 * @param requestId    the request's id, for response ids where the backend gave none
 * @param created      seconds since the epoch, for OpenAI's {@code created}
 * @param includeUsage whether a streamed OpenAI answer ends with the usage chunk
 */
public record ResponseContext(String model, String requestId, long created, boolean includeUsage) {}
