package dev.switchboard.policy.guardrails;

/**
 * A local rule applied to response text, with what to do when it matches. A chain gathers the response rules of all
 * its steps into one {@link WindowedStreamGuard}, so the whole chain holds back one window, not one per step.
 */
public record ResponseRule(TextRule rule, Action action) {
    public ResponseRule {
        if (action == Action.ALLOW) {
            throw new IllegalArgumentException("a rule's action is BLOCK, REDACT or LOG");
        }
    }
}
