package dev.switchboard.policy.limits;

import java.util.Map;

/** A limiter's answer: the request may go (with at most so many output tokens), or it is refused. */
public sealed interface Reservation {

    /**
     * The request may go.
     *
     * @param ticket          settle it with the real usage when the response ends (also when it is cut or fails)
     * @param maxOutputTokens the output it may produce: the gateway writes this as the request's {@code max_tokens}
     *                        whenever {@link #rewrite()} says so, or the reservation would not hold
     * @param rewrite         whether {@code maxOutputTokens} differs from what the client asked (clamped to what
     *                        the limits have left, or set because the client asked for no bound)
     * @param headers         {@code x-ratelimit-*} headers for the response (lower-case names), and
     *                        {@link RateLimitHeaders#MAX_TOKENS} when the output was clamped
     */
    record Granted(Ticket ticket, long maxOutputTokens, boolean rewrite, Map<String, String> headers)
            implements Reservation {
        public Granted {
            headers = Map.copyOf(headers);
        }
    }

    /** The request may not go: answer it with {@code refusal}, rendered in the caller's API shape. */
    record Refused(Refusal refusal) implements Reservation {}
}
