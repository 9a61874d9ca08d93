package dev.switchboard.picker.scheduling;

import dev.switchboard.picker.pool.Endpoint;

/**
 * A plugin that adds headers to the response an endpoint of the pool sent back (the reference EPP's
 * {@code ResponseHeaderProcessor}), e.g. the session-affinity plugins' {@code x-session-token} naming the endpoint
 * that served, which the client echoes to stick to it. The gateway calls every processor its pool's profile
 * references, once per response, on the response head's way to the client, before anything was sent. Must be fast
 * and must not throw: it runs on an event loop.
 */
public interface ResponseHeaderProcessor extends Plugin {
    /** Where a processor writes: sets (replaces) a response header. */
    @FunctionalInterface
    interface Headers {
        void set(String name, String value);
    }

    /**
     * @param request  the request as the picker saw it
     * @param servedBy the endpoint whose response this is (after retries, the one that answered)
     * @param headers  the response's headers
     */
    void processResponseHeaders(PickRequest request, Endpoint servedBy, Headers headers);
}
