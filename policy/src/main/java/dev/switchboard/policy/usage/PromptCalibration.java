package dev.switchboard.policy.usage;

import java.util.concurrent.ConcurrentHashMap;

/**
 * A {@link PromptTokenModel} per model name, so that a reservation counts the prompt as that model's servers do.
 * Bounded: past {@value #MAX_MODELS} names (a client sending made-up ones) new names share one pooled model. Lives as
 * long as the gateway, across configuration reloads.
 */
public final class PromptCalibration {
    static final int MAX_MODELS = 512;

    private final ConcurrentHashMap<String, PromptTokenModel> models = new ConcurrentHashMap<>();
    private final PromptTokenModel overflow = new PromptTokenModel();

    /** The model for {@code model}'s prompts. */
    public PromptTokenModel of(String model) {
        PromptTokenModel m = models.get(model);
        if (m != null) {
            return m;
        }
        if (models.size() >= MAX_MODELS) {
            return overflow;
        }
        return models.computeIfAbsent(model, k -> new PromptTokenModel());
    }
}
