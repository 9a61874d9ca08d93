package dev.switchboard.policy.guardrails;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Matches from several rules made into one ordered, non-overlapping list, and applied as redactions. */
final class Spans {
    private Spans() {}

    static List<TextRule.Match> concat(List<TextRule.Match> a, List<TextRule.Match> b) {
        List<TextRule.Match> all = new ArrayList<>(a.size() + b.size());
        all.addAll(a);
        all.addAll(b);
        return all;
    }

    /** By start; of overlapping matches the earlier wins, and at the same start the longer. */
    static List<TextRule.Match> resolve(List<TextRule.Match> matches) {
        List<TextRule.Match> sorted = new ArrayList<>(matches);
        sorted.sort(Comparator.comparingInt(TextRule.Match::start)
                .thenComparing(Comparator.comparingInt(TextRule.Match::end).reversed()));
        List<TextRule.Match> out = new ArrayList<>(sorted.size());
        int end = -1;
        for (TextRule.Match m : sorted) {
            if (m.start() >= end) {
                out.add(m);
                end = m.end();
            }
        }
        return out;
    }

    /** All of {@code rules}' matches in {@code text}, resolved. */
    static List<TextRule.Match> find(List<TextRule> rules, CharSequence text) {
        List<TextRule.Match> all = new ArrayList<>();
        for (TextRule r : rules) {
            all.addAll(r.find(text));
        }
        return resolve(all);
    }

    /** {@code text} with each of the (resolved) {@code matches} replaced. */
    static String redact(CharSequence text, List<TextRule.Match> matches) {
        StringBuilder out = new StringBuilder(text.length());
        int pos = 0;
        for (TextRule.Match m : matches) {
            out.append(text, pos, m.start()).append(m.replacement());
            pos = m.end();
        }
        return out.append(text, pos, text.length()).toString();
    }
}
