package dev.switchboard.policy.guardrails;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A step of local text rules (PII, user patterns, banned topics) with one action: block the request, redact the
 * matches, or log them. The same rules run on responses. Completes immediately.
 */
public final class RuleGuardrail implements Guardrail {
    private final String name;
    private final List<TextRule> rules;
    private final Action action;
    private final Set<PromptText.Role> roles;

    RuleGuardrail(String name, List<TextRule> rules, Action action, Set<PromptText.Role> roles) {
        if (action == Action.ALLOW) {
            throw new IllegalArgumentException("a step's action is BLOCK, REDACT or LOG");
        }
        this.name = name;
        this.rules = List.copyOf(rules);
        this.action = action;
        this.roles = Set.copyOf(roles);
    }

    /** The built-in PII step for {@code kinds}. */
    public static RuleGuardrail pii(String name, Set<PiiKind> kinds, Action action, Set<PromptText.Role> roles) {
        List<TextRule> rules = new ArrayList<>();
        for (PiiKind k : PiiKind.values()) {
            if (kinds.contains(k)) {
                rules.add(k.rule());
            }
        }
        return new RuleGuardrail(name, rules, action, roles);
    }

    /**
     * User patterns (RE2J syntax: linear time, no backreferences or lookaround) and banned topics (phrases matched
     * case-insensitively on word boundaries). Rule ids are {@code <name>/<id>}.
     *
     * @throws IllegalArgumentException naming the pattern's id when one does not compile
     */
    public static RuleGuardrail patterns(String name, List<PatternSpec> patterns, Action action,
            Set<PromptText.Role> roles) {
        List<TextRule> rules = new ArrayList<>(patterns.size());
        for (PatternSpec p : patterns) {
            Pattern compiled;
            String source = p.phrase() ? "(?i)\\b" + Pattern.quote(p.text()).replace(" ", "\\s+") + "\\b" : p.text();
            try {
                compiled = Pattern.compile(source);
            } catch (PatternSyntaxException e) {
                throw new IllegalArgumentException("pattern '" + p.id() + "' is not valid RE2 syntax: "
                        + e.getDescription(), e);
            }
            String ruleId = name + "/" + p.id();
            rules.add(new RegexRule(ruleId, compiled, "[REDACTED:" + p.id().toUpperCase(Locale.ROOT) + "]",
                    Prefilters.gate(RequiredLiterals.of(source))));
        }
        return new RuleGuardrail(name, rules, action, roles);
    }

    /**
     * One user pattern.
     *
     * @param id     names the rule in verdicts, audit lines and the redaction tag
     * @param text   an RE2 regular expression, or a phrase when {@code phrase}
     * @param phrase a banned-topic phrase (literal, case-insensitive, any whitespace between words)
     */
    public record PatternSpec(String id, String text, boolean phrase) {}

    @Override
    public String name() {
        return name;
    }

    @Override
    public CompletionStage<Verdict> checkRequest(PromptText prompt) {
        String firstRule = null;
        int count = 0;
        List<PromptText.Segment> out = new ArrayList<>(prompt.segments().size());
        for (PromptText.Segment s : prompt.segments()) {
            if (!roles.contains(s.role())) {
                out.add(s);
                continue;
            }
            List<TextRule.Match> matches = Spans.find(rules, s.text());
            if (!matches.isEmpty()) {
                firstRule = firstRule == null ? matches.get(0).ruleId() : firstRule;
                count += matches.size();
                if (action == Action.BLOCK) {
                    break;
                }
            }
            out.add(action == Action.REDACT && !matches.isEmpty()
                    ? new PromptText.Segment(s.role(), Spans.redact(s.text(), matches)) : s);
        }
        if (firstRule == null) {
            return CompletableFuture.completedFuture(Verdict.ALLOW);
        }
        String message = switch (action) {
            case BLOCK -> "The request was refused by guardrail rule " + firstRule + " (step '" + name
                    + "'); remove that content and send it again.";
            case REDACT -> count + " match(es) of guardrail step '" + name + "' (first: " + firstRule
                    + ") were redacted before the request was sent on.";
            default -> count + " match(es) of guardrail step '" + name + "' (first: " + firstRule + ").";
        };
        return CompletableFuture.completedFuture(Verdict.matched(action, firstRule, 1, message,
                action == Action.REDACT ? new PromptText(out) : null));
    }

    @Override
    public List<ResponseRule> responseRules() {
        List<ResponseRule> out = new ArrayList<>(rules.size());
        for (TextRule r : rules) {
            out.add(new ResponseRule(r, action));
        }
        return out;
    }
}
