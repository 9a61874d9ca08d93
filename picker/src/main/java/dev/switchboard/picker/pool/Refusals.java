package dev.switchboard.picker.pool;

import dev.switchboard.core.error.ApiError;
import dev.switchboard.core.http.HeaderNames;
import dev.switchboard.picker.flowcontrol.Rejection;
import java.util.Map;

/**
 * A pool's refusal as the client gets it, the same from the gateway and from Envoy (the ext_proc server's
 * immediate response): the status and OpenAI error shape, and the headers that say when to retry and why.
 */
public final class Refusals {
    /** Seconds a refused client is asked to wait (Retry-After): load changes with every 50 ms scrape. */
    public static final int RETRY_AFTER_SECONDS = 1;

    private Refusals() {}

    /** 503 when the pool has no (eligible) endpoints, else 429; {@code message} says why. */
    public static ApiError error(Rejection why, String message) {
        return why.status() == 429 ? ApiError.rateLimited(message) : ApiError.serverError(why.status(), message);
    }

    /** {@code retry-after} and the dropped-reason header the reference EPP sends. */
    public static Map<String, String> headers(Rejection why) {
        return Map.of("retry-after", Integer.toString(RETRY_AFTER_SECONDS), HeaderNames.REQUEST_DROPPED_REASON,
                why.reason);
    }
}
