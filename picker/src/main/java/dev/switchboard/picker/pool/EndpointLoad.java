package dev.switchboard.picker.pool;

/**
 * Requests in flight at one endpoint, counted by one replica (or summed over several), as the scorers read them
 * from {@link dev.switchboard.picker.scheduling.EndpointState}: what replicas tell each other through a
 * {@link SharedPoolState}.
 *
 * @param endpoint       the endpoint's {@code host:port}
 * @param inFlight       requests in flight there
 * @param inFlightTokens their prompt tokens, estimated
 * @param prefill        of those, the ones with no first token yet
 * @param prefillTokens  their prompt tokens still to prefill, estimated
 */
public record EndpointLoad(String endpoint, int inFlight, long inFlightTokens, int prefill, long prefillTokens) {
    /** No load at {@code endpoint}. */
    public static EndpointLoad none(String endpoint) {
        return new EndpointLoad(endpoint, 0, 0, 0, 0);
    }

    /** This load and {@code other}'s together, under this one's endpoint. */
    public EndpointLoad plus(EndpointLoad other) {
        return new EndpointLoad(endpoint, inFlight + other.inFlight, inFlightTokens + other.inFlightTokens,
                prefill + other.prefill, prefillTokens + other.prefillTokens);
    }

    /** Whether nothing is in flight. */
    public boolean idle() {
        return inFlight == 0 && inFlightTokens == 0 && prefill == 0 && prefillTokens == 0;
    }
}
