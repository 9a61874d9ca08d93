package dev.switchboard.policy.guardrails;

import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * One step of a route's guardrail chain. Each step is configured with its action (block, redact or log-only) and
 * returns verdicts of that action when it matches.
 *
 * <p>Requests: {@link #checkRequest} sees the prompt's labelled text segments. Built-in steps complete immediately;
 * a callout completes when its service answers (or its timeout fires). Callers resume on their own event loop.
 *
 * <p>Responses: local steps give {@link #responseRules()}, which the chain runs in one {@link StreamGuard} over the
 * text as it passes. Steps that need the whole text (a callout) check non-streamed responses in
 * {@link #checkResponse}; they do not see streamed responses, because a callout per delta is too slow and one at the
 * end comes after the text has gone.
 */
public interface Guardrail {
    /** The step's name in the config (for logs and metrics). */
    String name();

    CompletionStage<Verdict> checkRequest(PromptText prompt);

    /** The local rules this step applies to response text (empty when it has none). */
    default List<ResponseRule> responseRules() {
        return List.of();
    }

    /**
     * Checks a whole (non-streamed) response with what {@link #responseRules()} does not cover; the default has
     * nothing more to check.
     */
    default CompletionStage<Verdict> checkResponse(CharSequence text) {
        return java.util.concurrent.CompletableFuture.completedFuture(Verdict.ALLOW);
    }
}
