package dev.switchboard.policy.governance;

import dev.switchboard.core.config.Backend;
import dev.switchboard.core.config.RouteRule;
import dev.switchboard.core.error.ApiError;
import dev.switchboard.core.model.ApproxTokenizer;
import dev.switchboard.policy.Policies;
import dev.switchboard.policy.Principal;
import dev.switchboard.policy.guardrails.Action;
import dev.switchboard.policy.guardrails.GuardrailChain;
import dev.switchboard.policy.guardrails.PromptText;
import dev.switchboard.policy.guardrails.StreamGuard;
import dev.switchboard.policy.guardrails.Verdict;
import dev.switchboard.policy.limits.RateLimiter;
import dev.switchboard.policy.limits.Refusal;
import dev.switchboard.policy.limits.Reservation;
import dev.switchboard.policy.limits.ReservationRequest;
import dev.switchboard.policy.limits.Ticket;
import dev.switchboard.policy.usage.PromptTokenModel;
import dev.switchboard.providers.ClientApi;
import dev.switchboard.providers.TranslationException;
import dev.switchboard.providers.Translator;
import dev.switchboard.providers.chat.ChatError;
import dev.switchboard.providers.chat.ChatEvents;
import dev.switchboard.providers.chat.FinishReason;
import dev.switchboard.providers.chat.Usage;
import dev.switchboard.providers.govern.RequestDocument;
import dev.switchboard.providers.govern.ResponseHook;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * What the governance steps decide about one request and do while its response passes: the route's guardrails on
 * the prompt (block, or redact it in the client's own body), the limiter's reservation (refuse, or clamp the output
 * bound written into the body), then, on the response, the guardrails' sliding window over the text and the count of
 * what was produced, and at the end the settlement with the real usage.
 *
 * <p>Built only when a step applies ({@link #of} answers null otherwise, so an ungoverned request costs nothing).
 * {@link #admit} may complete on another thread (a guardrail service's, Redis's): the caller hops back to its loop.
 * Everything after admission runs on the request's thread (the gateway's event loop, the Envoy processor's stream).
 *
 * <p>Shared by the gateway and the Envoy external processor, so a request is governed the same way whichever of the
 * two carries it; it knows nothing of either's transport (no Netty, no gRPC), only bodies, headers and events.
 */
public final class RequestGovernance implements ResponseHook {
    /*
     * Order: guardrails first, so a blocked prompt is never charged, and the reservation counts the prompt as it
     * will be sent (redacted). The reservation clamps max_tokens to what every limit has left, so the answer cannot
     * overspend even if the model writes to its bound; settle() replaces it with the real usage, or, for a response
     * that was cut or blocked before its usage arrived, with the prompt and what the gateway saw produced (counted by
     * the approximate tokenizer over every text, reasoning and tool-argument delta; an estimate, the only one there is).
     */

    private final GuardrailChain chain;
    private final RateLimiter limiter;
    private final Principal principal;
    private final String model;
    private final RouteRule rule;
    private final boolean stream;

    private final PromptTokenModel prompts;
    private Ticket ticket;
    /** The prompt as the gateway counts it, and in how many texts (what the calibration learns from). */
    private long countedTokens;
    private int messages;
    private boolean uncounted;
    /** What was reserved for the prompt: the count, calibrated to what the model's servers read. */
    private long promptTokens;
    private Map<String, String> headers = Map.of();
    /** Output tokens seen on the way to the client (an estimate); the real count comes with the usage. */
    private long produced;
    private Verdict blocked;

    private RequestGovernance(GuardrailChain chain, RateLimiter limiter, PromptTokenModel prompts, Principal principal,
            String model, RouteRule rule, boolean stream) {
        this.chain = chain;
        this.prompts = prompts;
        this.limiter = limiter;
        this.principal = principal;
        this.model = model;
        this.rule = rule;
        this.stream = stream;
    }

    /**
     * The governance of a request to {@code rule}, or null when no step applies to it.
     *
     * @param client the request's API, or null for one that generates nothing (a model list)
     */
    public static RequestGovernance of(Policies policies, RouteRule rule, ClientApi client, Principal principal,
            String model, boolean stream) {
        if (client == null || client.countsTokens()) {
            return null; // nothing is generated: counting tokens is free and checks nothing
        }
        GuardrailChain chain = policies.guardrails(rule.route());
        RateLimiter limiter = policies.limiterFor(principal);
        return chain == null && limiter == null ? null
                : new RequestGovernance(chain, limiter, limiter == null ? null : policies.calibration().of(model),
                        principal, model, rule, stream);
    }

    /** The outcome of admission. */
    public sealed interface Decision {}

    /** The request goes on: with {@code body} in place of the client's when not null (redacted, bound written). */
    public record Go(byte[] body) implements Decision {}

    /** The request is answered with {@code error} (and {@code headers}) and goes nowhere. */
    public record Refuse(ApiError error, Map<String, String> headers, String audit) implements Decision {}

    /** Runs the request's steps on the client's {@code body}; never completes exceptionally. */
    public CompletionStage<Decision> admit(byte[] body, ClientApi client) {
        RequestDocument doc;
        try {
            doc = RequestDocument.parse(client, body);
        } catch (TranslationException e) {
            return CompletableFuture.completedFuture(new Refuse(ApiError.badRequest(e.getMessage(), e.param()),
                    Map.of(), e.getMessage()));
        }
        CompletionStage<Decision> guarded = chain == null ? CompletableFuture.completedFuture(null)
                : chain.checkRequest(principal, prompt(doc)).thenApply(outcome -> guarded(doc, outcome));
        return guarded.thenCompose(refused -> refused != null ? CompletableFuture.completedFuture(refused)
                : reserve(doc)).exceptionally(e -> new Refuse(ApiError.serverError(500, "A governance step failed: "
                        + e.getClass().getSimpleName() + "; the request was not sent."), Map.of(), String.valueOf(e)));
    }

    private static PromptText prompt(RequestDocument doc) {
        List<PromptText.Segment> segments = new ArrayList<>();
        for (RequestDocument.Text t : doc.texts()) {
            segments.add(new PromptText.Segment(PromptText.Role.valueOf(t.role().name()), t.text()));
        }
        return new PromptText(segments);
    }

    /** A refusal when the chain blocked; else the document redacted where it said so, and null. */
    private static Decision guarded(RequestDocument doc, GuardrailChain.RequestOutcome outcome) {
        Verdict v = outcome.verdict();
        if (v.blocked()) {
            return new Refuse(new ApiError(400, ApiError.INVALID_REQUEST, v.message(), null, "content_blocked"),
                    Map.of(), v.ruleId());
        }
        if (v.action() == Action.REDACT) {
            List<PromptText.Segment> redacted = outcome.prompt().segments();
            if (redacted.size() != doc.texts().size()) { // a service that rewrote the prompt as one text
                return new Refuse(ApiError.serverError(500, "Guardrail rule " + v.ruleId() + " rewrote the prompt in"
                        + " a shape the gateway cannot put back into the request (" + doc.texts().size() + " texts"
                        + " became " + redacted.size() + "); the request was not sent. Its operator should use"
                        + " block instead of redact for this step."), Map.of(), v.ruleId());
            }
            doc.replaceTexts(redacted.stream().map(PromptText.Segment::text).toList());
        }
        return null;
    }

    private CompletionStage<Decision> reserve(RequestDocument doc) {
        if (limiter == null) {
            return CompletableFuture.completedFuture(go(doc));
        }
        countedTokens = doc.promptTokens();
        messages = doc.texts().size();
        uncounted = doc.mediaParts() > 0;
        promptTokens = prompts.estimate(countedTokens, messages);
        long bound = doc.generates() ? doc.maxOutputTokens() : 0;
        return limiter.reserve(new ReservationRequest(principal, model, rule.name(), promptTokens, bound))
                .thenApply(r -> switch (r) {
                    case Reservation.Refused refused -> refusal(refused.refusal());
                    case Reservation.Granted granted -> {
                        ticket = granted.ticket();
                        headers = granted.headers();
                        if (granted.rewrite() && doc.generates()) {
                            doc.setMaxOutputTokens(granted.maxOutputTokens());
                        }
                        if (stream) {
                            doc.requestUsage(); // so the stream ends with its real usage, which settles it
                        }
                        yield go(doc);
                    }
                });
    }

    private static Decision go(RequestDocument doc) {
        return new Go(doc.edited() ? doc.bytes() : null);
    }

    private static Decision refusal(Refusal r) {
        String type = r.status() == 429 ? ApiError.RATE_LIMIT : r.status() >= 500 ? ApiError.SERVER_ERROR
                : ApiError.INVALID_REQUEST;
        return new Refuse(new ApiError(r.status(), type, r.message(), null, r.code()), r.headers(), r.code());
    }

    /** Headers for the response: the limits' {@code x-ratelimit-*} and a clamped bound. */
    public Map<String, String> responseHeaders() {
        return headers;
    }

    /** Whether the route's guardrails check what the model answers (so an answer nobody can read must not pass). */
    public boolean checksResponses() {
        return chain != null && chain.checksResponses();
    }

    /**
     * Why this request cannot go to a backend of {@code schema}, or null when it can: its route's guardrails check
     * responses, and the gateway cannot read that API's answers from that backend (so they would pass unchecked).
     */
    public String unguardable(ClientApi client, String apiPath, Backend backend) {
        if (chain == null || !chain.checksResponses() || Translator.hookSees(client, backend.schema().name())) {
            return null;
        }
        return "Route '" + rule.route() + "' checks responses with guardrails, and the gateway cannot read the answers"
                + " of " + apiPath + " from backend '" + backend.name() + "' (" + backend.schema().name().configName()
                + "), so they would pass unchecked; send this request as a chat completion (/v1/chat/completions),"
                + " or ask the operator to route it where its answers can be read.";
    }

    /** The verdict that ended the response, or null. */
    public Verdict blocked() {
        return blocked;
    }

    /**
     * Replaces the reservation with what the request used: the backend's usage for a response that ended whole;
     * for one that was cut or blocked, the prompt and the most of what the backend said and what the gateway saw
     * produced; nothing but the request itself when no attempt was sent. Once; later calls do nothing.
     */
    public void settle(Usage usage, boolean complete, boolean sentUpstream) {
        if (ticket == null) {
            return;
        }
        Ticket t = ticket;
        ticket = null;
        Usage u = usage == null ? Usage.UNKNOWN : usage;
        if (!sentUpstream) {
            t.settle(0, 0, 0);
        } else if (complete && blocked == null && u.inputTokens() >= 0 && u.outputTokens() >= 0) {
            if (!uncounted) {
                prompts.observe(countedTokens, messages, u.inputTokens());
            }
            t.settle(u.inputTokens(), u.outputTokens(), Math.max(0, u.cachedInputTokens()));
        } else {
            t.settle(u.inputTokens() >= 0 ? u.inputTokens() : promptTokens, Math.max(produced, u.outputTokens()),
                    Math.max(0, u.cachedInputTokens()));
        }
    }

    // the response side: a ResponseHook between the backend's decoder and the client's encoder

    @Override
    public boolean rewrites() {
        return chain != null;
    }

    @Override
    public ChatEvents wrap(ChatEvents next) {
        StreamGuard guard = chain == null ? null : chain.responseGuard(principal);
        return new Watched(next, guard);
    }

    /** Counts what passes and, with guardrails, holds text back in their window; a block ends the response. */
    private final class Watched implements ChatEvents {
        private final ChatEvents next;
        private StreamGuard guard;
        private boolean holding;

        Watched(ChatEvents next, StreamGuard guard) {
            this.next = next;
            this.guard = guard;
        }

        @Override
        public void start(String id, String model) {
            if (blocked == null) {
                next.start(id, model);
            }
        }

        @Override
        public void text(CharSequence delta) {
            produced += ApproxTokenizer.count(delta);
            if (blocked != null) {
                return;
            }
            if (guard == null) {
                next.text(delta);
                return;
            }
            holding = true;
            release(guard.offer(delta));
        }

        /** Ends the guard's window (text followed by another kind of content): checks and sends what it holds. */
        private boolean flush() {
            if (holding) {
                holding = false;
                release(guard.finish());
                guard = chain.responseGuard(principal);
            }
            return blocked == null;
        }

        private void release(StreamGuard.Release r) {
            if (r.blocked()) {
                blocked = r.verdict();
                next.error(new ChatError(400, ChatError.Kind.INVALID_REQUEST, r.verdict().message(), null));
                return;
            }
            if (!r.text().isEmpty()) {
                next.text(r.text());
            }
        }

        @Override
        public void thinking(CharSequence delta) {
            produced += ApproxTokenizer.count(delta);
            if (flush()) {
                next.thinking(delta);
            }
        }

        @Override
        public void thinkingSignature(String signature) {
            if (flush()) {
                next.thinkingSignature(signature);
            }
        }

        @Override
        public void redactedThinking(String data) {
            if (flush()) {
                next.redactedThinking(data);
            }
        }

        @Override
        public void toolCall(int index, String id, String name) {
            if (flush()) {
                next.toolCall(index, id, name);
            }
        }

        @Override
        public void toolArguments(int index, CharSequence delta) {
            produced += ApproxTokenizer.count(delta);
            if (flush()) {
                next.toolArguments(index, delta);
            }
        }

        @Override
        public void usage(Usage usage) {
            if (blocked == null) {
                next.usage(usage);
            }
        }

        @Override
        public void finish(FinishReason reason, String stopSequence) {
            if (flush()) {
                next.finish(reason, stopSequence);
            }
        }

        @Override
        public void end() {
            if (flush()) {
                next.end();
            }
        }

        @Override
        public void error(ChatError error) {
            if (flush()) {
                next.error(error);
            }
        }
    }
}
