package dev.switchboard.policy.guardrails;

import com.google.re2j.Matcher;
import com.google.re2j.Pattern;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * A {@link TextRule} from an RE2J pattern (linear time whatever the pattern or the text: user patterns cannot stall
 * a loop with catastrophic backtracking), optionally narrowed by a check of each candidate (Luhn, mod-97, entropy).
 */
final class RegexRule implements TextRule {
    private final String ruleId;
    private final Pattern pattern;
    private final int group;
    private final Check check;
    private final String replacement;
    private final Predicate<CharSequence> mayMatch;

    /**
     * @param group    the capturing group that is the match (0 for all of it): {@code api_key=VALUE} redacts VALUE only
     * @param check    how many leading characters of a candidate are a real match (0 to reject it)
     * @param mayMatch a cheap necessary condition (a text it refuses has no match), so that most texts never reach
     *                 RE2J's NFA, which costs some hundred nanoseconds a character
     */
    RegexRule(String ruleId, Pattern pattern, int group, Check check, String replacement,
            Predicate<CharSequence> mayMatch) {
        this.ruleId = ruleId;
        this.pattern = pattern;
        this.group = group;
        this.check = check;
        this.replacement = replacement;
        this.mayMatch = mayMatch;
    }

    RegexRule(String ruleId, Pattern pattern, String replacement, Predicate<CharSequence> mayMatch) {
        this(ruleId, pattern, 0, Check.ALL, replacement, mayMatch);
    }

    @Override
    public List<Match> find(CharSequence text) {
        if (!mayMatch.test(text)) {
            return List.of();
        }
        return findAll(text);
    }

    /** {@link #find} without the prefilter: what the prefilter must never change. */
    List<Match> findAll(CharSequence text) {
        List<Match> out = new ArrayList<>(2);
        Matcher m = pattern.matcher(text);
        int from = 0;
        while (from <= text.length() && m.find(from)) {
            int start = m.start(group);
            int end = m.end(group);
            if (start < 0) {
                from = Math.max(m.end(), from + 1);
                continue;
            }
            int accepted = check.accept(text.subSequence(start, end).toString());
            if (accepted > 0) {
                out.add(new Match(start, start + accepted, ruleId, replacement));
                from = Math.max(start + accepted, m.end() == m.start() ? m.end() + 1 : start + accepted);
            } else {
                // a rejected candidate (a 16-digit number failing Luhn) may hide a real one starting inside it
                from = m.start() + 1;
            }
        }
        return out;
    }

    String ruleId() {
        return ruleId;
    }

    /** How much of a candidate is a real match. */
    @FunctionalInterface
    interface Check {
        Check ALL = String::length;

        /** The length of the real match at the start of {@code candidate}, or 0 when there is none. */
        int accept(String candidate);
    }
}
