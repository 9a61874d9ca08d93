package dev.switchboard.policy.guardrails;

/**
 * One guardrail's (or a chain's) decision. The message is for the person who sent the request: it says which rule
 * and what to change, and never quotes the prompt (it may end up in an error body, a log, a dashboard).
 *
 * @param action   what to do
 * @param ruleId   the rule that decided ({@code injection/instruction-override}, {@code pii/card}); null for ALLOW
 * @param score    the rule's score in [0, 1] (1 for exact rules such as a Luhn-valid card)
 * @param message  an actionable message without prompt text; null for ALLOW
 * @param redacted the prompt after redaction when {@code action} is REDACT (requests only), else null
 */
public record Verdict(Action action, String ruleId, double score, String message, PromptText redacted) {
    public static final Verdict ALLOW = new Verdict(Action.ALLOW, null, 0, null, null);

    public static Verdict block(String ruleId, double score, String message) {
        return new Verdict(Action.BLOCK, ruleId, score, message, null);
    }

    public static Verdict log(String ruleId, double score, String message) {
        return new Verdict(Action.LOG, ruleId, score, message, null);
    }

    public static Verdict redact(String ruleId, double score, String message, PromptText redacted) {
        return new Verdict(Action.REDACT, ruleId, score, message, redacted);
    }

    /** A verdict of {@code action} for a rule that matched (ALLOW is not a match). */
    static Verdict matched(Action action, String ruleId, double score, String message, PromptText redacted) {
        return switch (action) {
            case ALLOW -> throw new IllegalArgumentException("a match is not ALLOW");
            case LOG -> log(ruleId, score, message);
            case REDACT -> redact(ruleId, score, message, redacted);
            case BLOCK -> block(ruleId, score, message);
        };
    }

    public boolean blocked() {
        return action == Action.BLOCK;
    }
}
