package dev.switchboard.bench.scenario;

/**
 * A source of requests for a run. Used from one thread (the load generator's event loop); deterministic for a seed
 * given the same order of calls.
 */
public interface Workload {

    /** The next request to send, or null when none is ready now (every open conversation awaits a reply). */
    RequestSpec next();

    /** True once no request will ever be ready again; an endless workload never is. */
    boolean exhausted();

    /**
     * A request ended. {@code reply} is its generated text when it succeeded and {@link RequestSpec#wantsReply()},
     * else null.
     */
    default void completed(RequestSpec request, String reply) {
    }
}
