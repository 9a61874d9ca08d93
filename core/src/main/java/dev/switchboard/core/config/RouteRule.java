package dev.switchboard.core.config;

import java.time.Duration;
import java.util.List;
import java.util.function.Function;

/**
 * One rule of an {@code AIGatewayRoute}: when it matches, and where requests go.
 *
 * @param route             the {@code AIGatewayRoute} it belongs to (what a Guardrail's targetRefs name)
 * @param name              rule name (route name and index when unnamed)
 * @param matches           alternatives; the rule matches if any matches (all its header matches hold); empty = all
 * @param backendRefs       where requests go
 * @param requestTimeout    time for a whole request, all attempts included
 * @param streamIdleTimeout longest silence, once a response has started, before it is cut
 * @param retry             how failed attempts are retried
 */
public record RouteRule(
        String route, String name, List<List<HeaderMatch>> matches, List<BackendRef> backendRefs, Duration requestTimeout,
        Duration streamIdleTimeout, RetryPolicy retry) {

    /** Envoy AI Gateway's default request timeout. */
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(60);
    public static final Duration DEFAULT_STREAM_IDLE_TIMEOUT = Duration.ofSeconds(30);

    public RouteRule {
        matches = matches.stream().map(List::copyOf).toList();
        backendRefs = List.copyOf(backendRefs);
    }

    /**
     * Whether this rule serves a request: it has no matches, or one whose header conditions all hold.
     *
     * @param header request header values by lower-case name; must answer {@code x-ai-eg-model} with the model
     */
    public boolean matches(Function<String, String> header) {
        if (matches.isEmpty()) {
            return true;
        }
        for (List<HeaderMatch> alternative : matches) {
            if (allHold(alternative, header)) {
                return true;
            }
        }
        return false;
    }

    private static boolean allHold(List<HeaderMatch> conditions, Function<String, String> header) {
        for (HeaderMatch m : conditions) {
            if (!m.matches(header.apply(m.name()))) {
                return false;
            }
        }
        return true;
    }

    /**
     * Retrying: up to {@code numRetries} more attempts after the first, on connect failures, timeouts, 429 and 5xx,
     * only while nothing has reached the client, waiting {@code backoff} (doubling, jittered) between them.
     */
    public record RetryPolicy(int numRetries, Duration backoff) {
        public static final RetryPolicy DEFAULT = new RetryPolicy(2, Duration.ofMillis(25));
    }
}
