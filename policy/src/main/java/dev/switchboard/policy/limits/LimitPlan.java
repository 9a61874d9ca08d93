package dev.switchboard.policy.limits;

import dev.switchboard.policy.usage.Price;
import java.util.List;

/**
 * The limits one request is checked against, sorted by key (the order a limiter locks them in), and what it needs.
 *
 * @param limits          sorted by {@link Limit#key()}, no key twice
 * @param price           the model's price, or null when it has none (then no budget limit may be in the plan)
 * @param promptTokens    the prompt's tokens
 * @param requestedOutput the output asked for, after the default for requests that asked none
 * @param minOutput       the least output worth sending the request for (≤ requestedOutput)
 * @param clientBound     whether the client set the bound itself
 * @param refusal         set when the plan cannot be checked at all (a budget but no price), else null
 */
public record LimitPlan(List<Limit> limits, Price price, long promptTokens, long requestedOutput, long minOutput,
        boolean clientBound, Refusal refusal) {
    public LimitPlan {
        limits = List.copyOf(limits);
    }

    /**
     * Whether a limit here counts output (a token limit that counts output tokens, or a budget): only then does the
     * output bound matter, and is a request that set none given the default one.
     */
    public boolean boundsOutput() {
        for (Limit l : limits) {
            if (l.kind() == Limit.Kind.BUDGET || l.kind() == Limit.Kind.TOKENS && l.counted().outputWeight > 0) {
                return true;
            }
        }
        return false;
    }
}
