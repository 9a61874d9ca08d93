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

    SharedPrefixWorkload(SharedPrefixSpec spec, long seed, String model) {
        this.spec = spec;
        this.seed = seed;
        this.model = model;
        this.random = new SplittableRandom(seed);
        this.systems = new String[spec.groups()];
        this.questions = new String[spec.groups() * spec.promptsPerGroup()];
    }

    @Override
    public RequestSpec next() {
        int group = random.nextInt(spec.groups());
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
