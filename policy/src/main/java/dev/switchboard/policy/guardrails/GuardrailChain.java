package dev.switchboard.policy.guardrails;

import dev.switchboard.policy.Principal;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A route's guardrails: steps in the configured order (first runs first). On a request each step sees the prompt as
 * the previous steps left it (redacted); a BLOCK ends the chain. On a response all local steps' rules share one
 * {@link WindowedStreamGuard}, so the chain holds back one window whatever its length. Every block, redaction and
 * log-only match is written to the {@link GuardrailAudit}.
 */
public final class GuardrailChain {
    private final String route;
    private final List<Guardrail> steps;
    private final List<ResponseRule> responseRules;
    private final int window;
    private final GuardrailAudit audit;

    public GuardrailChain(String route, List<Guardrail> steps, int window, GuardrailAudit audit) {
        this.route = route;
        this.steps = List.copyOf(steps);
        this.window = window;
        this.audit = audit;
        List<ResponseRule> rules = new ArrayList<>();
        for (Guardrail g : steps) {
            rules.addAll(g.responseRules());
        }
        this.responseRules = List.copyOf(rules);
    }

    public List<Guardrail> steps() {
        return steps;
    }

    /** Whether any step checks responses (local rules, or a callout on whole answers). */
    public boolean checksResponses() {
        return !responseRules.isEmpty() || steps.stream().anyMatch(g -> g instanceof CalloutGuardrail);
    }

    /**
     * The request's outcome.
     *
     * @param verdict the most severe step verdict (the blocking one on a block)
     * @param prompt  the prompt to send on (redacted where a step redacted); null on a block
     */
    public record RequestOutcome(Verdict verdict, PromptText prompt) {}

    public CompletionStage<RequestOutcome> checkRequest(Principal principal, PromptText prompt) {
        CompletionStage<RequestOutcome> at = CompletableFuture.completedFuture(new RequestOutcome(Verdict.ALLOW, prompt));
        for (Guardrail step : steps) {
            at = at.thenCompose(so -> so.verdict().blocked() ? CompletableFuture.completedFuture(so)
                    : step.checkRequest(so.prompt()).thenApply(v -> {
                        audit.record("request", route, principal, v, so.prompt().segments().isEmpty() ? null
                                : CalloutGuardrail.joined(so.prompt()));
                        if (v.blocked()) {
                            return new RequestOutcome(v, null);
                        }
                        PromptText next = v.action() == Action.REDACT && v.redacted() != null ? v.redacted() : so.prompt();
                        Verdict worst = v.action().compareTo(so.verdict().action()) > 0 ? v : so.verdict();
                        return new RequestOutcome(worst, next);
                    }));
        }
        return at;
    }

    /** A guard for one streamed response; audits its first block, or its redactions when it finishes. */
    public StreamGuard responseGuard(Principal principal) {
        if (responseRules.isEmpty()) {
            return StreamGuard.passThrough();
        }
        WindowedStreamGuard inner = new WindowedStreamGuard(responseRules, window);
        return new StreamGuard() {
            private boolean audited;

            @Override
            public Release offer(CharSequence delta) {
                Release r = inner.offer(delta);
                if (r.blocked()) {
                    once(r.verdict());
                }
                return r;
            }

            @Override
            public Release finish() {
                Release r = inner.finish();
                once(r.verdict());
                return r;
            }

            private void once(Verdict v) {
                if (!audited && v.action() != Action.ALLOW) {
                    audited = true;
                    audit.record("response", route, principal, v, null);
                }
            }
        };
    }

    /**
     * A non-streamed response: the local rules through the same guard on the whole text, then each step's
     * whole-text check (callouts) on what is left, in order.
     */
    public CompletionStage<StreamGuard.Release> checkResponse(Principal principal, String text) {
        StreamGuard guard = responseGuard(principal);
        StreamGuard.Release first = guard.offer(text);
        StreamGuard.Release rest = guard.finish();
        StreamGuard.Release local = rest.blocked() || first.blocked() ? rest
                : new StreamGuard.Release(first.text() + rest.text(), rest.verdict());
        CompletionStage<StreamGuard.Release> at = CompletableFuture.completedFuture(local);
        for (Guardrail step : steps) {
            at = at.thenCompose(r -> r.blocked() ? CompletableFuture.completedFuture(r)
                    : step.checkResponse(r.text()).thenApply(v -> {
                        audit.record("response", route, principal, v, null);
                        if (v.blocked()) {
                            return new StreamGuard.Release("", v);
                        }
                        String next = v.action() == Action.REDACT && v.redacted() != null
                                ? v.redacted().segments().get(0).text() : r.text();
                        return new StreamGuard.Release(next, v.action().compareTo(r.verdict().action()) > 0
                                ? v : r.verdict());
                    }));
        }
        return at;
    }
}
