package dev.switchboard.policy.limits;

import java.util.concurrent.CompletionStage;

/**
 * A granted reservation, to be settled once with what the request really used. A stream that is cut or fails is
 * settled with what it produced; a ticket never settled (the gateway died mid-request) stays charged at its
 * reservation, and a settle that comes after the limiter's ticket lifetime is ignored for the same reason.
 * Settling twice is a no-op. Thread-safe.
 */
public interface Ticket {
    /**
     * Replaces the reservation with the real usage. {@code inputTokens} counts every prompt token (OpenAI's
     * {@code prompt_tokens}); {@code cachedTokens} is the part of them read from the provider's cache. The stage
     * completes when the store has it (never exceptionally: a store that cannot be reached keeps it locally).
     */
    CompletionStage<Void> settle(long inputTokens, long outputTokens, long cachedTokens);

    /** What was charged for the reservation: prompt tokens and the granted output. */
    long reservedTokens();

    /** The micro-dollars charged for the reservation (0 when no budget applies). */
    long reservedMicros();
}
