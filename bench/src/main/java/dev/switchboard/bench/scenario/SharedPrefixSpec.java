package dev.switchboard.bench.scenario;

/**
 * The shared-prefix workload: {@code groups} system prompts of {@code systemTokens} tokens, each with
 * {@code promptsPerGroup} questions of {@code questionTokens} tokens; a request picks a group, uniformly at random
 * or with Zipf-skewed popularity (group k drawn in proportion to 1 / k^{@code zipf}; 0 is uniform), and one of its
 * questions uniformly. Requests of a group share their system prompt, which a prefix cache can reuse.
 */
public record SharedPrefixSpec(int groups, int promptsPerGroup, int systemTokens, int questionTokens, TokenRange outputTokens,
        double zipf) implements WorkloadSpec {

    /** Name for {@code --workload}. */
    public static final String NAME = "shared-prefix";

    /**
     * The Gateway API Inference Extension's published benchmark preset {@code short-questions__many-system-prompts}
     * (inference-perf shared_prefix data): 150 groups × 5 prompts, 6000-token system prompts, 1200-token questions,
     * 1000 output tokens.
     */
    public static final SharedPrefixSpec GIE_PREFIX = new SharedPrefixSpec(150, 5, 6000, 1200, TokenRange.of(1000));
    /** The name of {@link #GIE_PREFIX} for {@code --preset}. */
    public static final String GIE_PRESET = "gie-prefix";
    /** Defaults without a preset: small enough for a laptop, long enough prefixes for the cache to matter. */
    public static final SharedPrefixSpec DEFAULTS = new SharedPrefixSpec(8, 8, 2000, 200, TokenRange.of(200));

    /** Groups drawn uniformly. */
    public SharedPrefixSpec(int groups, int promptsPerGroup, int systemTokens, int questionTokens, TokenRange outputTokens) {
        this(groups, promptsPerGroup, systemTokens, questionTokens, outputTokens, 0);
    }

    public SharedPrefixSpec {
        if (!(zipf >= 0) || zipf > 10) {
            throw new IllegalArgumentException("--zipf must be in [0, 10] (0: uniform), got " + zipf);
        }
        positive(groups, "--groups");
        positive(promptsPerGroup, "--prompts-per-group");
        positive(systemTokens, "--system-tokens");
        positive(questionTokens, "--question-tokens");
        if (outputTokens == null) {
            throw new IllegalArgumentException("--output-tokens is required");
        }
    }

    static void positive(int value, String flag) {
        if (value < 1) {
            throw new IllegalArgumentException(flag + " must be >= 1, got " + value);
        }
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String describe() {
        return groups + " groups x " + promptsPerGroup + " prompts, system " + systemTokens + " + question "
                + questionTokens + " tokens, output " + outputTokens + (zipf > 0 ? ", groups Zipf s=" + zipf : "");
    }

    @Override
    public Workload create(long seed, String model) {
        return new SharedPrefixWorkload(this, seed, model);
    }
}
