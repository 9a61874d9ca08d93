package dev.switchboard.policy.limits;

import java.util.concurrent.CompletionStage;

/**
 * Reserves what a request may spend before it is sent, against every limit that applies to it (its principal's,
 * its model's, its route's), all at once: either every limit is charged or none is.
 *
 * <p>The stage may complete on a thread of the store (Lettuce's, for Redis); the caller hops back to its own event
 * loop. It never completes exceptionally for a store failure: a limiter that cannot reach its store decides locally.
 */
public interface RateLimiter extends AutoCloseable {
    CompletionStage<Reservation> reserve(ReservationRequest request);

    /** Where this limiter decides now (for a gauge and the logs). */
    default Store store() {
        return Store.MEMORY;
    }

    /** Releases the store's connections; tickets it granted may then settle on local counts only. */
    default void close() {}

    enum Store {
        /** This process's memory: the limits are this replica's. */
        MEMORY,
        /** The shared store: every replica's requests count against one limit. */
        SHARED,
        /** The shared store cannot be reached: this replica decides alone until it returns. */
        LOCAL_FALLBACK
    }
}
