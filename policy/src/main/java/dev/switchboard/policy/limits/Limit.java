package dev.switchboard.policy.limits;

/**
 * One limit a request is checked against, with the key its state is kept under. Two requests share a limit's state
 * exactly when they resolve to the same key (see {@link LimitResolver}).
 *
 * @param key          the state's key, e.g. {@code p/team-a/tokens} (scope, id, kind)
 * @param scope        what it limits, for messages: {@code principal 'team-a'}, {@code model 'gpt-4o'}
 * @param kind         what it counts
 * @param amount       requests or tokens per period, or micro-dollars per period for a budget
 * @param periodMillis the period: a minute for rates; the budget's reset period
 * @param counted      the tokens a {@link Kind#TOKENS} limit counts ({@link TokenType#TOTAL} for the others)
 */
public record Limit(String key, String scope, Kind kind, long amount, long periodMillis, TokenType counted) {
    public Limit {
        if (amount < 0 || periodMillis <= 0) {
            throw new IllegalArgumentException("a limit needs amount >= 0 and period > 0: " + key);
        }
        if (kind != Kind.BUDGET && Math.multiplyHigh(amount, periodMillis) != 0) {
            throw new IllegalArgumentException("limit too large for exact arithmetic: " + key);
        }
    }

    public enum Kind {
        /** Requests per period: a token bucket (see LimitMath). */
        REQUESTS,
        /** Tokens per period: a token bucket. */
        TOKENS,
        /** Micro-dollars per fixed period from the epoch. */
        BUDGET
    }
}
