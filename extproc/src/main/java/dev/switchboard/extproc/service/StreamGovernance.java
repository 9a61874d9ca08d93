package dev.switchboard.extproc.service;

import com.google.protobuf.ByteString;
import dev.switchboard.core.config.ApiSchema;
import dev.switchboard.core.config.Backend;
import dev.switchboard.core.config.HeaderMutation;
import dev.switchboard.core.config.RouteRule;
import dev.switchboard.core.error.ApiError;
import dev.switchboard.core.model.UsageTail;
import dev.switchboard.policy.Policies;
import dev.switchboard.policy.Principal;
import dev.switchboard.policy.governance.RequestGovernance;
import dev.switchboard.providers.ClientPaths;
import dev.switchboard.providers.ResponseContext;
import dev.switchboard.providers.ResponseTranslation;
import dev.switchboard.providers.TranslationException;
import dev.switchboard.providers.Translator;
import dev.switchboard.providers.chat.Usage;
import dev.switchboard.providers.govern.ResponseHook;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The governance steps ({@link RequestGovernance}, the gateway's own) said over ext_proc for one stream: admission on
 * the buffered body (a refusal becomes the immediate response, a rewritten body the one sent on), the grant's
 * headers on the response, the response hook on the way back, and the settlement when the stream ends. One per
 * governed stream, used on the stream's executor only (admission may complete elsewhere: the stream hops back).
 */
final class StreamGovernance {
    /*
     * An untranslated response (a pool of OpenAI-compatible model servers, body-based routing) is watched through
     * the same Translator plan a translated one uses, asked for an OpenAI backend: a same-family call whose plan
     * relays the bytes as they are while the hook counts them, or re-encodes them when guardrails check the text.
     * So the two ways back share one code path, and the hook sees exactly what the gateway's would.
     */

    /** The schema a pool's model servers are taken to speak: OpenAI's, the only one an InferencePool serves. */
    private static final Backend POOL_SERVER = new Backend("inference-pool", "OpenAI", List.of(), HeaderMutation.NONE);

    private final RequestGovernance steps;
    private final ClientPaths.Target api;
    /** The path the client called, query excluded (named in a refusal). */
    private final String path;
    private final ApiSchema.Family shape;

    private StreamGovernance(RequestGovernance steps, ClientPaths.Target api, String path) {
        this.steps = steps;
        this.api = api;
        this.path = path;
        this.shape = api.api().family();
    }

    /**
     * The governance of the request, or null when no step applies to it (or its path is no API of ours: nothing
     * to read its prompt by).
     *
     * @param path the path the client called, query excluded
     */
    static StreamGovernance of(Policies policies, RouteRule rule, ClientPaths.Target api, String path,
            Principal principal, String model, boolean stream) {
        if (api == null) {
            return null;
        }
        RequestGovernance steps = RequestGovernance.of(policies, rule, api.api(), principal, model, stream);
        return steps == null ? null : new StreamGovernance(steps, api, path);
    }

    /** Runs the guardrails and the reservation on the client's body; never completes exceptionally. */
    CompletionStage<RequestGovernance.Decision> admit(ByteString raw) {
        try {
            return steps.admit(raw.toByteArray(), api.api());
        } catch (RuntimeException e) { // a step that threw instead of failing its stage
            return CompletableFuture.failedFuture(e);
        }
    }

    /**
     * The body to send on after admission: the client's, or the one the steps rewrote (redacted, its bound clamped,
     * usage asked for).
     *
     * @param decision the admission's outcome, or null when it failed
     * @throws RequestRejected the refusal (its status, its retry-after and x-ratelimit-* headers) in the client's
     *                         shape
     */
    ByteString admitted(RequestGovernance.Decision decision, ByteString raw) throws RequestRejected {
        if (decision == null) {
            throw new RequestRejected(ApiError.serverError(500, "A governance step failed; the request was not"
                    + " sent."), Map.of(), shape);
        }
        if (decision instanceof RequestGovernance.Refuse refuse) {
            throw new RequestRejected(refuse.error(), lowerCase(refuse.headers()), shape);
        }
        byte[] edited = ((RequestGovernance.Go) decision).body();
        return edited == null ? raw : ByteString.copyFrom(edited);
    }

    /**
     * Refuses a request whose answers would pass unchecked: its route's guardrails check responses, and the
     * processor cannot read that API's answers from {@code backend}.
     *
     * @param backend the backend the request goes to, or null for a pool's model server (an OpenAI one)
     * @throws RequestRejected 400 in the client's shape
     */
    void checkGuardable(Backend backend) throws RequestRejected {
        String unguardable;
        if (backend == null && api.api().family() != ApiSchema.Family.OPENAI) { // see watch()
            unguardable = !steps.checksResponses() ? null : "This request's route checks responses with guardrails,"
                    + " and the endpoint picker reads only OpenAI answers from a model server, so " + path + "'s"
                    + " would pass unchecked; send it as a chat completion (/v1/chat/completions).";
        } else {
            unguardable = steps.unguardable(api.api(), path, backend != null ? backend : POOL_SERVER);
        }
        if (unguardable != null) {
            throw new RequestRejected(ApiError.badRequest(unguardable, null), Map.of(), shape);
        }
    }

    /** The hook a translated call's responses pass through. */
    ResponseHook hook() {
        return steps;
    }

    /** Whether a guardrail ended the response (its error event was written). */
    boolean blocked() {
        return steps.blocked() != null;
    }

    /** Adds the grant's headers (x-ratelimit-*, a clamped bound) to the response's. */
    void responseHeaders(Map<String, String> set) {
        set.putAll(lowerCase(steps.responseHeaders()));
    }

    /**
     * The watched way back for an untranslated response of {@code status}, or null when the hook cannot see it
     * (an API without events, an error status): then it is relayed and settled by its usage alone.
     *
     * @param raw   the body sent on (what the plan reads the request's options from)
     * @param query the client's query string without {@code ?}, or null
     */
    ResponseTranslation watch(ByteString raw, String model, boolean stream, String query, int status,
            ResponseContext context) {
        if (api.api().family() != ApiSchema.Family.OPENAI) {
            return null; // a pool's servers speak OpenAI: another family's answers are not read here
        }
        try {
            return Translator.call(api.api(), POOL_SERVER, raw::toByteArray, api.pathModel(), model, stream, query,
                    steps).responses().open(status, context);
        } catch (TranslationException e) { // an OpenAI request to an OpenAI server is never translated
            return null;
        }
    }

    /**
     * Replaces the reservation with what the request used (once; later calls do nothing).
     *
     * @param complete     the response ended whole
     * @param sentUpstream the request was sent on (else nothing is charged)
     */
    void settle(UsageTail.Usage usage, boolean complete, boolean sentUpstream) {
        Usage u = usage == null ? Usage.UNKNOWN
                : new Usage(usage.promptTokens(), usage.completionTokens(), usage.cachedTokens(), -1, -1);
        steps.settle(u, complete, sentUpstream);
    }

    /** Envoy's header mutations take lower-case names; the limiter spells them as HTTP/1.1 does. */
    private static Map<String, String> lowerCase(Map<String, String> headers) {
        Map<String, String> out = new LinkedHashMap<>();
        headers.forEach((k, v) -> out.put(k.toLowerCase(Locale.ROOT), v));
        return out;
    }
}
