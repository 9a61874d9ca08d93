package dev.switchboard.policy.guardrails;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Runs response rules on a stream's text as it passes, holding back at most a window of characters.
 */
final class WindowedStreamGuard implements StreamGuard {
    /*
     * Problem: check a streamed response without buffering all of it (Agent Router's proposal) and without being
     * unable to retract (agentgateway): a pattern may arrive split over any number of deltas.
     *
     * Approach: keep the not-yet-released text in `pending`. On every delta, run all rules over `pending`. A BLOCK
     * match anywhere ends the response (what is held is dropped). Otherwise release everything but the last W
     * characters, replacing REDACT matches that start in the released part (a match that straddles the cut moves the
     * cut to its end, so a replacement is never split or rescanned). LOG matches are recorded once each.
     *
     * Guarantee: every match of at most W characters is caught, however the deltas split it: when the last character
     * of an occurrence [s, e) with e - s <= W arrives, at most (e - 1) - W < s characters have been released, so the
     * whole occurrence is still pending. A longer match is caught only if all of it is pending at one scan (for
     * instance when it arrives in one delta); no text is held back for it. Matches held in the window are acted on
     * when they leave it or at finish(), so a match still growing at the end of the text (an e-mail address cut
     * after "@exam") is judged whole. Each rule sees raw text; one rule's redaction does not hide text from a
     * BLOCK rule of another step that matched first in the same scan.
     *
     * Cost: each character is scanned about (W + delta) / delta times: with 200-character windows and 20-character
     * deltas, 11 scans of 220 characters per delta, linear-time patterns (RE2J) per scan. Fine for text rates of an
     * LLM (hundreds of characters a second per stream); a larger window costs proportionally.
     *
     * Concurrency: one instance per response, confined to the response's event loop.
     */

    /** Default window: long enough for every PII shape here (an IBAN is at most 34 + 8 spaces; a key ~100). */
    static final int DEFAULT_WINDOW = 200;

    private final List<ResponseRule> rules;
    private final int window;
    private final StringBuilder pending = new StringBuilder();
    /** Characters of raw text released so far: the absolute offset of pending[0]. */
    private long consumed;
    private final Set<String> logged = new HashSet<>();
    private Verdict worst = Verdict.ALLOW;

    WindowedStreamGuard(List<ResponseRule> rules, int window) {
        if (window < 1) {
            throw new IllegalArgumentException("window must be at least 1 character, got " + window);
        }
        this.rules = List.copyOf(rules);
        this.window = window;
    }

    @Override
    public Release offer(CharSequence delta) {
        if (worst.blocked()) {
            return new Release("", worst);
        }
        pending.append(delta);
        return scan(false);
    }

    @Override
    public Release finish() {
        if (worst.blocked()) {
            return new Release("", worst);
        }
        return scan(true);
    }

    private Release scan(boolean last) {
        List<Hit> hits = hits();
        for (Hit h : hits) {
            if (h.action == Action.BLOCK) {
                worst = Verdict.block(h.match.ruleId(), 1, "The response was stopped by guardrail rule "
                        + h.match.ruleId() + "; ask for it without that content, or ask the gateway's operator.");
                pending.setLength(0);
                return new Release("", worst);
            }
        }
        int len = pending.length();
        int cut = last ? len : Math.max(0, len - window);
        StringBuilder out = new StringBuilder(cut + 16);
        int pos = 0;
        for (Hit h : hits) {
            TextRule.Match m = h.match;
            if (h.action == Action.LOG) {
                if (logged.add(m.ruleId() + "@" + (consumed + m.start())) && worst.action() == Action.ALLOW) {
                    worst = Verdict.log(m.ruleId(), 1, "The response matched guardrail rule " + m.ruleId() + ".");
                }
                continue;
            }
            if (m.start() >= cut) {
                continue;
            }
            out.append(pending, pos, m.start()).append(m.replacement());
            pos = m.end();
            cut = Math.max(cut, m.end());
            if (worst.action() != Action.REDACT) {
                worst = Verdict.redact(m.ruleId(), 1, "Part of the response was redacted by guardrail rule "
                        + m.ruleId() + ".", null);
            }
        }
        out.append(pending, pos, cut);
        pending.delete(0, cut);
        consumed += cut;
        return new Release(out.toString(), worst);
    }

    /** All rules' matches, by start; of overlapping ones the first (then the more severe, then the longer) wins. */
    private List<Hit> hits() {
        List<Hit> all = new ArrayList<>();
        for (ResponseRule r : rules) {
            for (TextRule.Match m : r.rule().find(pending)) {
                all.add(new Hit(m, r.action()));
            }
        }
        all.sort(Comparator.comparingInt((Hit h) -> h.match.start())
                .thenComparing((Hit h) -> h.action, Comparator.reverseOrder())
                .thenComparing((Hit h) -> h.match.end(), Comparator.reverseOrder()));
        List<Hit> kept = new ArrayList<>(all.size());
        int end = -1;
        for (Hit h : all) {
            if (h.action == Action.BLOCK || h.action == Action.LOG || h.match.start() >= end) {
                kept.add(h);
                if (h.action == Action.REDACT) {
                    end = h.match.end();
                }
            }
        }
        return kept;
    }

    private record Hit(TextRule.Match match, Action action) {}
}
