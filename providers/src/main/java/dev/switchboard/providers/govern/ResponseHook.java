package dev.switchboard.providers.govern;

import dev.switchboard.providers.chat.ChatEvents;

/**
 * Sees, and may change, a 2xx response's events between the backend's decoder and the client's encoder, whatever the
 * client's and the backend's formats are: guardrails watch the text on a sliding window, limits count what was
 * produced and read the usage. One hook serves one response ({@link #wrap} is called once per response); the events
 * come on one thread.
 *
 * <p>A hook forwards what the client is to get, {@link ChatEvents#usage} included: the gateway reads the usage
 * behind the hook, so a hook that swallows usage events loses the response's counts. To stop a response, a hook
 * calls {@code next.error(...)} and forwards nothing after it; the client then gets its format's error (a stream's
 * error event, or a whole answer's error body with the error's status).
 */
public interface ResponseHook {

    /** The events the decoder feeds for one response; the hook forwards to {@code next} what the client is to get. */
    ChatEvents wrap(ChatEvents next);

    /**
     * Whether it may change the client's response. False: the response passes byte for byte and the hook only
     * watches (a decoder runs beside the relay, and what the hook forwards is dropped but for the usage).
     */
    boolean rewrites();
}
