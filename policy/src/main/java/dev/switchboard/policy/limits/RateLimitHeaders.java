package dev.switchboard.policy.limits;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * OpenAI's rate-limit response headers, for the tightest request limit and the tightest token limit of a plan
 * (the one with the least left). Reset values are durations the way OpenAI writes them: {@code 20ms}, {@code 1s},
 * {@code 1.5s}, {@code 6m0s}.
 */
public final class RateLimitHeaders {
    public static final String LIMIT_REQUESTS = "x-ratelimit-limit-requests";
    public static final String REMAINING_REQUESTS = "x-ratelimit-remaining-requests";
    public static final String RESET_REQUESTS = "x-ratelimit-reset-requests";
    public static final String LIMIT_TOKENS = "x-ratelimit-limit-tokens";
    public static final String REMAINING_TOKENS = "x-ratelimit-remaining-tokens";
    public static final String RESET_TOKENS = "x-ratelimit-reset-tokens";
    public static final String RETRY_AFTER = "retry-after";
    /** Switchboard's: the output bound the gateway wrote into the request when it clamped the client's. */
    public static final String MAX_TOKENS = "x-switchboard-max-tokens";

    private RateLimitHeaders() {}

    /** The headers for a plan's outcome (no header for a kind the plan has no limit of). */
    static Map<String, String> of(List<Limit> limits, LimitOutcome outcome) {
        Map<String, String> h = new LinkedHashMap<>();
        put(h, limits, outcome, Limit.Kind.REQUESTS, LIMIT_REQUESTS, REMAINING_REQUESTS, RESET_REQUESTS);
        put(h, limits, outcome, Limit.Kind.TOKENS, LIMIT_TOKENS, REMAINING_TOKENS, RESET_TOKENS);
        return h;
    }

    private static void put(Map<String, String> h, List<Limit> limits, LimitOutcome o, Limit.Kind kind, String limit,
            String remaining, String reset) {
        int tightest = -1;
        for (int i = 0; i < limits.size(); i++) {
            if (limits.get(i).kind() == kind && (tightest < 0 || o.remaining()[i] < o.remaining()[tightest])) {
                tightest = i;
            }
        }
        if (tightest >= 0) {
            h.put(limit, Long.toString(limits.get(tightest).amount()));
            h.put(remaining, Long.toString(o.remaining()[tightest]));
            h.put(reset, duration(o.resetMillis()[tightest]));
        }
    }

    /** Milliseconds as OpenAI (and Go's time.Duration) print them, to the millisecond. */
    static String duration(long millis) {
        if (millis < 1000) {
            return millis + "ms";
        }
        long h = millis / 3_600_000;
        long m = millis / 60_000 % 60;
        long ms = millis % 60_000;
        String s = ms % 1000 == 0 ? Long.toString(ms / 1000)
                : String.format(java.util.Locale.ROOT, "%d.%03d", ms / 1000, ms % 1000).replaceAll("0+$", "");
        return (h > 0 ? h + "h" + m + "m" : m > 0 ? m + "m" : "") + s + "s";
    }
}
