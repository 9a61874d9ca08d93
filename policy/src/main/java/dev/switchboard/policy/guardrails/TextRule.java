package dev.switchboard.policy.guardrails;

import java.util.List;

/**
 * A rule that finds spans in plain text, for local (in-process) checks: PII, user patterns. Used on requests segment
 * by segment and on responses through a {@link WindowedStreamGuard}. Implementations are immutable and thread-safe.
 */
public interface TextRule {
    /** The matches in {@code text}, in order of start, not overlapping. */
    List<Match> find(CharSequence text);

    /**
     * One match.
     *
     * @param start       first character (inclusive)
     * @param end         last character (exclusive)
     * @param ruleId      the rule's id, e.g. {@code pii/email}
     * @param replacement what REDACT puts in its place, e.g. {@code [REDACTED:EMAIL]}
     */
    record Match(int start, int end, String ruleId, String replacement) {}
}
