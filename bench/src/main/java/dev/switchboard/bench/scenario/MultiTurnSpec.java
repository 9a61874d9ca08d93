package dev.switchboard.bench.scenario;

/**
 * The multi-turn chat workload: {@code conversations} conversations of {@code turns} turns. Each turn sends the
 * whole history (an optional system prompt of {@code systemTokens}, earlier questions and replies) plus a new
 * question of {@code questionTokens}; a conversation's next turn starts only after its previous one finished.
 */
public record MultiTurnSpec(int conversations, int turns, int systemTokens, int questionTokens, TokenRange outputTokens)
        implements WorkloadSpec {

    /** Name for {@code --workload}. */
    public static final String NAME = "multi-turn";
    /** Defaults: 8 conversations of 5 turns, no system prompt, 100-token questions and replies. */
    public static final MultiTurnSpec DEFAULTS = new MultiTurnSpec(8, 5, 0, 100, TokenRange.of(100));

    public MultiTurnSpec {
        SharedPrefixSpec.positive(conversations, "--conversations");
        SharedPrefixSpec.positive(turns, "--turns");
        SharedPrefixSpec.positive(questionTokens, "--question-tokens");
        if (systemTokens < 0) {
            throw new IllegalArgumentException("--system-tokens must be >= 0, got " + systemTokens);
        }
        if (outputTokens == null) {
            throw new IllegalArgumentException("--output-tokens is required");
        }
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String describe() {
        return conversations + " conversations x " + turns + " turns, system " + systemTokens + ", question "
                + questionTokens + ", output " + outputTokens + " tokens";
    }

    @Override
    public Workload create(long seed, String model) {
        return new MultiTurnWorkload(this, seed, model);
    }

    @Override
    public long totalRequests() {
        return (long) conversations * turns;
    }
}
