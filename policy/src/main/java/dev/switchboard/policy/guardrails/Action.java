package dev.switchboard.policy.guardrails;

/**
 * What a guardrail decided, in increasing order of severity: a chain's result is the most severe of its steps'.
 * {@link #ALLOW} is only ever a result; a configured step's action is one of the other three.
 */
public enum Action {
    /** Nothing matched (or the step's score stayed below its threshold). */
    ALLOW,
    /** Matched, and let through unchanged: only the audit log and the metrics learn of it. */
    LOG,
    /** Matched, and the matching text is replaced ({@code [REDACTED:EMAIL]}) before it goes on. */
    REDACT,
    /** Matched: the request is refused, or the stream ends with an error event. */
    BLOCK;

    /** The more severe of the two. */
    public Action max(Action other) {
        return compareTo(other) >= 0 ? this : other;
    }
}
