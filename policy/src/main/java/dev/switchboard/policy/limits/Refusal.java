package dev.switchboard.policy.limits;

import java.util.Map;

/**
 * A request the limits refuse, as a plain error the gateway renders in the caller's API shape.
 *
 * @param status            429 for a limit reached (retry later), 400 for a request that no window can ever hold,
 *                          500 for a budget that cannot be checked (the model has no price)
 * @param code              machine code: {@code rate_limit_exceeded}, {@code insufficient_quota} (OpenAI's),
 *                          {@code request_exceeds_limit}, {@code model_not_priced}
 * @param message           what happened and what to do, for a person
 * @param retryAfterSeconds seconds until the limit has room (the {@code Retry-After} header), or -1 for none
 * @param headers           {@code retry-after} and the {@code x-ratelimit-*} headers (lower-case names)
 */
public record Refusal(int status, String code, String message, long retryAfterSeconds, Map<String, String> headers) {
    public Refusal {
        headers = Map.copyOf(headers);
    }
}
