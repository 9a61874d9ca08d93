package dev.switchboard.gateway.handler;

import dev.switchboard.policy.Principal;

/**
 * What the gateway learned about a request while reading it.
 *
 * @param requestId   the client's {@code x-request-id}, or one assigned by the gateway
 * @param api         API path, e.g. {@code /v1/chat/completions}
 * @param model       the body's model
 * @param stream      whether a streamed response was asked for
 * @param modelStart  byte range of the model value in the body (for a model override)
 * @param modelEnd    end of that range
 * @param promptStart byte offset of the prompt (messages, prompt or input) in the body, or -1
 * @param keepAlive   whether the client connection stays open after the response
 * @param startNanos  when the request head arrived
 * @param readyNanos  when the whole body had arrived
 * @param bodyBytes   body size
 * @param principal   who sent it (anonymous without client authentication)
 */
public record RequestInfo(
        String requestId, String api, String model, boolean stream, long modelStart, long modelEnd, long promptStart,
        boolean keepAlive, long startNanos, long readyNanos, long bodyBytes, Principal principal) {

    /** A request with no authenticated sender. */
    public RequestInfo(String requestId, String api, String model, boolean stream, long modelStart, long modelEnd,
            long promptStart, boolean keepAlive, long startNanos, long readyNanos, long bodyBytes) {
        this(requestId, api, model, stream, modelStart, modelEnd, promptStart, keepAlive, startNanos, readyNanos,
                bodyBytes, Principal.ANONYMOUS);
    }
}
