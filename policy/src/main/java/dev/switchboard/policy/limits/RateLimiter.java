package dev.switchboard.policy.limits;

import java.util.concurrent.CompletionStage;

/**
 * Reserves what a request may spend before it is sent, against every limit that applies to it (its principal's,
 * its model's, its route's), all at once: either every limit is charged or none is.
 *
 * <p>The stage may complete on a thread of the store (Lettuce's, for Redis); the caller hops back to its own event
 * loop. It never completes exceptionally for a store failure: a limiter that cannot reach its store decides locally.
 */
public interface RateLimiter {
    CompletionStage<Reservation> reserve(ReservationRequest request);
}
