package dev.switchboard.bench.scenario;

import java.util.List;
import java.util.SplittableRandom;

/** Runs a {@link SharedPrefixSpec}; texts are made on first use and kept, so a group's prefix is the same string. */
final class SharedPrefixWorkload implements Workload {
    /** Seed stream of the system prompts. */
    private static final long SYSTEM_STREAM = 1;
    /** Seed stream of the questions. */
    private static final long QUESTION_STREAM = 2;

    private final SharedPrefixSpec spec;
    private final long seed;
    private final String model;
    private final SplittableRandom random;
    private final String[] systems;
    private final String[] questions;
    /** With Zipf popularity: the cumulative share of groups 0..k; null when uniform. */
    private final double[] cumulative;

    SharedPrefixWorkload(SharedPrefixSpec spec, long seed, String model) {
        this.spec = spec;
        this.seed = seed;
        this.model = model;
        this.random = new SplittableRandom(seed);
        this.systems = new String[spec.groups()];
        this.questions = new String[spec.groups() * spec.promptsPerGroup()];
        this.cumulative = spec.zipf() > 0 ? zipfCumulative(spec.groups(), spec.zipf()) : null;
    }

    static double[] zipfCumulative(int n, double s) {
        double[] c = new double[n];
        double sum = 0;
        for (int k = 0; k < n; k++) {
            sum += 1 / Math.pow(k + 1, s);
            c[k] = sum;
        }
        for (int k = 0; k < n; k++) {
            c[k] /= sum;
        }
        return c;
    }

    private int group() {
        if (cumulative == null) {
            return random.nextInt(spec.groups());
        }
        int k = java.util.Arrays.binarySearch(cumulative, random.nextDouble());
        return Math.min(k >= 0 ? k : -k - 1, spec.groups() - 1);
    }

    @Override
    public RequestSpec next() {
        int group = group();
        int question = group * spec.promptsPerGroup() + random.nextInt(spec.promptsPerGroup());
        if (systems[group] == null) {
            systems[group] = PromptText.words(PromptText.seed(seed, SYSTEM_STREAM, group), spec.systemTokens());
        }
        if (questions[question] == null) {
            questions[question] = PromptText.words(PromptText.seed(seed, QUESTION_STREAM, question), spec.questionTokens());
        }
        return new RequestSpec(model, List.of(ChatMessage.system(systems[group]), ChatMessage.user(questions[question])),
                spec.outputTokens().draw(random), -1);
    }

    @Override
    public boolean exhausted() {
        return false;
    }
}
