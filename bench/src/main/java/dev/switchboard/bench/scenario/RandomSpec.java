package dev.switchboard.bench.scenario;

import java.util.List;

/** The random workload: unrelated prompts, input and output lengths uniform in their ranges. */
public record RandomSpec(TokenRange inputTokens, TokenRange outputTokens) implements WorkloadSpec {

    /** Name for {@code --workload}. */
    public static final String NAME = "random";
    /** Defaults: inputs of 100..1000 tokens, outputs of 50..500. */
    public static final RandomSpec DEFAULTS = new RandomSpec(new TokenRange(100, 1000), new TokenRange(50, 500));

    public RandomSpec {
        if (inputTokens == null || outputTokens == null) {
            throw new IllegalArgumentException("the random workload needs --input-tokens and --output-tokens");
        }
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String describe() {
        return "input " + inputTokens + ", output " + outputTokens + " tokens";
    }

    @Override
    public Workload create(long seed, String model) {
        return new RandomWorkload(inputTokens, outputTokens, List.of(new ModelWeight(model, 1)), seed);
    }
}
