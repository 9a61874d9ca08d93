package dev.switchboard.policy.guardrails;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * A step that asks an external guardrail service (HTTP JSON, through an adapter for its shape), asynchronously and
 * within a timeout. When the service fails (no answer in time, a non-2xx status, an answer it cannot read), the
 * step fails open (the request goes on; the failure is a LOG verdict, so it is audited) or closed (BLOCK, with a
 * message saying the check was unavailable). Checks requests and non-streamed responses; streamed responses are not
 * sent (see {@link Guardrail}).
 */
public final class CalloutGuardrail implements Guardrail {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String name;
    private final CalloutAdapter adapter;
    private final HttpClient client;
    private final Duration timeout;
    private final boolean failOpen;
    private final Action action;
    private final Supplier<Map<String, String>> headers;

    /**
     * @param headers extra request headers per call (an {@code Authorization} bearer token for Model Armor); their
     *                values never appear in verdicts, logs or exceptions
     */
    public CalloutGuardrail(String name, CalloutAdapter adapter, HttpClient client, Duration timeout, boolean failOpen,
            Action action, Supplier<Map<String, String>> headers) {
        if (action == Action.ALLOW) {
            throw new IllegalArgumentException("a step's action is BLOCK, REDACT or LOG");
        }
        this.name = name;
        this.adapter = adapter;
        this.client = client;
        this.timeout = timeout;
        this.failOpen = failOpen;
        this.action = action;
        this.headers = headers;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public CompletionStage<Verdict> checkRequest(PromptText prompt) {
        return call(adapter.prompt(prompt)).thenApply(f -> {
            if (f == null) {
                return unavailable("request");
            }
            if (!f.flagged()) {
                return Verdict.ALLOW;
            }
            if (action == Action.REDACT && f.sanitized() != null) {
                PromptText redacted = new PromptText(java.util.List.of(
                        new PromptText.Segment(PromptText.Role.USER, f.sanitized())));
                return Verdict.redact(f.ruleId(), 1, "Guardrail service step '" + name + "' (" + f.ruleId()
                        + ") sanitized the request before it was sent on.", redacted);
            }
            Action a = action == Action.REDACT ? Action.BLOCK : action;
            return Verdict.matched(a, f.ruleId(), 1, "The request was refused by guardrail service step '" + name
                    + "' (" + f.ruleId() + "); change the content and send it again.", null);
        });
    }

    @Override
    public CompletionStage<Verdict> checkResponse(CharSequence text) {
        return call(adapter.response(text)).thenApply(f -> {
            if (f == null) {
                return unavailable("response");
            }
            if (!f.flagged()) {
                return Verdict.ALLOW;
            }
            Action a = action == Action.REDACT && f.sanitized() == null ? Action.BLOCK : action;
            return Verdict.matched(a, f.ruleId(), 1, "The response was stopped by guardrail service step '" + name
                    + "' (" + f.ruleId() + ").", a == Action.REDACT ? PromptText.of(
                    new PromptText.Segment(PromptText.Role.ASSISTANT, f.sanitized())) : null);
        });
    }

    /** The service's finding, or null when it failed (timeout, status, unreadable answer). */
    private CompletionStage<CalloutAdapter.Finding> call(CalloutAdapter.Call call) {
        HttpRequest.Builder b = HttpRequest.newBuilder(call.uri()).timeout(timeout)
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(call.json()));
        headers.get().forEach(b::header);
        return client.sendAsync(b.build(), HttpResponse.BodyHandlers.ofString())
                .orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
                .thenApply(r -> r.statusCode() / 100 == 2 ? read(r.body()) : null)
                .exceptionally(e -> null);
    }

    private CalloutAdapter.Finding read(String body) {
        try {
            return adapter.read(JSON.readTree(body));
        } catch (Exception e) {
            return null;
        }
    }

    private Verdict unavailable(String what) {
        String rule = name + "/unavailable";
        return failOpen
                ? Verdict.log(rule, 0, "Guardrail service step '" + name + "' did not answer in time; the " + what
                        + " went on unchecked (fail-open).")
                : Verdict.block(rule, 0, "The " + what + " could not be checked: guardrail service step '" + name
                        + "' is unavailable. Try again shortly.");
    }

    /** A prompt as one text for services that take one (system, user and tool turns, labelled). */
    static String joined(PromptText prompt) {
        return prompt.segments().stream().map(PromptText.Segment::text).collect(Collectors.joining("\n\n"));
    }

    @Override
    public String toString() {
        return "CalloutGuardrail[" + name + ", timeout " + timeout + (failOpen ? ", fail-open" : ", fail-closed") + "]";
    }
}
