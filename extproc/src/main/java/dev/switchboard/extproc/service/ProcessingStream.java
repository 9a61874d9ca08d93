package dev.switchboard.extproc.service;

import com.google.protobuf.ByteString;
import com.google.protobuf.Struct;
import dev.switchboard.core.config.ApiSchema;
import dev.switchboard.core.config.BackendRef;
import dev.switchboard.core.error.ApiError;
import dev.switchboard.core.http.HeaderNames;
import dev.switchboard.core.model.UsageTail;
import dev.switchboard.extproc.protocol.EnvoyHeaders;
import dev.switchboard.extproc.protocol.EppNames;
import dev.switchboard.extproc.protocol.LbMetadata;
import dev.switchboard.extproc.protocol.ProcessingResponses;
import dev.switchboard.picker.flowcontrol.Rejection;
import dev.switchboard.picker.pool.Decision;
import dev.switchboard.picker.pool.Endpoint;
import dev.switchboard.picker.pool.InferencePool;
import dev.switchboard.picker.pool.PoolRequest;
import dev.switchboard.picker.pool.RequestSpec;
import dev.switchboard.policy.Policies;
import dev.switchboard.providers.ClientApi;
import dev.switchboard.providers.ClientPaths;
import dev.switchboard.providers.ResponseContext;
import dev.switchboard.providers.ResponseTranslation;
import io.envoyproxy.envoy.service.ext_proc.v3.HttpBody;
import io.envoyproxy.envoy.service.ext_proc.v3.HttpHeaders;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingRequest;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingResponse;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One ext_proc stream: one HTTP request through Envoy, in FULL_DUPLEX_STREAMED mode. Reads the request headers
 * (authenticating the client when the configuration has a ClientAuth document), buffers the body to its end, runs
 * the governance steps on it (guardrails, limits: refused, or sent on rewritten), decides (a pool's pick, a
 * translation for an AIServiceBackend, or body-based routing), answers headers then body, and relays the response
 * back (translated to the client's API where the request was, watched by the guardrails, counted and settled) while
 * its endpoint counts it in flight. Every event runs on the stream's executor.
 */
final class ProcessingStream implements StreamObserver<ProcessingRequest> {
    /*
     * Phases: HEADERS (nothing yet) → BODY (buffering) → DECIDING (parsed; maybe waiting on the governance steps
     * (a guardrail service, Redis), then maybe in flow control) →
     * FORWARDED (headers and body answered: the request went upstream) → DONE (response over, refused, or the
     * stream ended). Envoy requires the answers in order (headers, body, trailers) per direction, so request
     * trailers that arrive while the request is still deciding are answered after its body. The stream may end at
     * any point (client gone, Envoy's timeout): then the request leaves the queue and its lease closes.
     * Size: the class is the state machine and nothing else (the work of each phase is in RequestBodyBuffer,
     * ParsedBody, PoolSelector, PoolVisit, BackendRoutes, StreamAuthentication, StreamGovernance, TranslatedRequest,
     * TranslatedResponse, ResponseBodyRelay and ProcessingResponses); keeping the transitions in
     * one place is what makes the order rules checkable by reading; what goes to Envoy, and when Envoy is read,
     * is Answers' (gRPC flow control both ways).
     */

    /**
     * Headers a client must not set, taken out when no pick overwrites them (body-based routing): behind an
     * ORIGINAL_DST cluster, a client's own destination header would send the request to any address it names.
     */
    private static final List<String> NOT_FROM_CLIENTS = List.of(EppNames.DESTINATION_ENDPOINT);

    private static final Logger LOG = LoggerFactory.getLogger(ProcessingStream.class);

    private enum Phase { HEADERS, BODY, DECIDING, FORWARDED, DONE }

    private final ProcessorContext context;
    private final StreamExecutor executor;
    private final String callPool;
    private final boolean translate;
    private final boolean authenticate;
    private Phase phase = Phase.HEADERS;
    /** The routes, backends and client authentication the request arrived under: read once, at its head. */
    private BackendRoutes routes = BackendRoutes.NONE;
    /** Who sent the request, once its headers are read. */
    private StreamAuthentication auth;
    private Map<String, String> headers = Map.of();
    private String generatedRequestId;
    private Set<String> subset;
    private InferencePool pool;
    private RequestBodyBuffer body;
    private boolean bodyEndsStream;
    private boolean requestTrailersPending;
    private PoolVisit visit;
    private ModelNameRestorer restorer;
    private ResponseBody relay;
    /** The API the path calls (null when none of ours), on streams without a pool. */
    private ClientPaths.Target target;
    /** The API the path calls (null when none of ours), on every stream: what the governance steps read. */
    private ClientPaths.Target called;
    /** The guardrails and limits on this request, or null when none apply. */
    private StreamGovernance governance;
    /** The body sent on, kept only for a governed request without translation (its response is watched). */
    private ByteString sentBody;
    /** The response's body ended whole (not cut by the processor, the stream not cancelled). */
    private boolean responseWhole;
    /** The error shape the client reads (its API's family). */
    private ApiSchema.Family shape = ApiSchema.Family.OPENAI;
    /** The request as translated for an AIServiceBackend, or null. */
    private TranslatedRequest translated;
    private final Answers answers;
    /** The processor, not the client, asked the model server for a load report: it is not passed on. */
    private boolean askedForLoadReport;

    /**
     * @param callPool  the ext_proc call's x-switchboard-pool metadata, or null
     * @param translate whether requests for AIServiceBackends are translated (the call's x-switchboard-translate
     *                  is not {@code off})
     * @param authenticate whether clients are authenticated when the configuration asks (the call's
     *                  x-switchboard-auth is not {@code off})
     */
    ProcessingStream(ProcessorContext context, ServerCallStreamObserver<ProcessingResponse> out,
            StreamExecutor executor, String callPool, boolean translate, boolean authenticate) {
        this.context = context;
        this.translate = translate;
        this.authenticate = authenticate;
        this.executor = executor;
        this.callPool = callPool;
        context.metrics().streams(1);
        out.setOnCancelHandler(() -> executor.execute(this::end));
        this.answers = new Answers(out, executor);
    }

    @Override
    public void onNext(ProcessingRequest request) {
        executor.execute(() -> handle(request));
    }

    @Override
    public void onError(Throwable t) {
        executor.execute(this::end);
    }

    @Override
    public void onCompleted() {
        executor.execute(() -> {
            end();
            answers.complete(); // Envoy half-closed: the request is over as far as it is concerned
        });
    }

    private void handle(ProcessingRequest r) {
        try {
            process(r);
        } finally {
            answers.readNext();
        }
    }

    private void process(ProcessingRequest r) {
        if (phase == Phase.DONE) {
            return;
        }
        run(() -> {
            switch (r.getRequestCase()) {
                case REQUEST_HEADERS -> requestHeaders(r);
                case REQUEST_BODY -> requestBody(r.getRequestBody());
                case REQUEST_TRAILERS -> requestTrailers();
                case RESPONSE_HEADERS -> responseHeaders(r);
                case RESPONSE_BODY -> responseBody(r.getResponseBody());
                case RESPONSE_TRAILERS -> responseTrailers();
                default -> LOG.debug("ext_proc message without a request part ignored");
            }
        });
    }

    private interface Step {
        void run() throws RequestRejected;
    }

    /** Runs one step of the stream: a refusal is answered; a failure (a bug) ends the stream, never hangs it. */
    private void run(Step step) {
        try {
            step.run();
        } catch (RequestRejected e) {
            refuse(e);
        } catch (RuntimeException e) {
            LOG.error("ext_proc stream failed in phase {}", phase, e);
            if (phase.compareTo(Phase.FORWARDED) < 0) {
                refuse(new RequestRejected(ApiError.serverError(500, "The endpoint picker failed on this request;"
                        + " its log says why.")));
                return;
            }
            end();
            answers.fail("the endpoint picker failed on this request");
        }
    }

    private void requestHeaders(ProcessingRequest r) throws RequestRejected {
        HttpHeaders h = r.getRequestHeaders();
        headers = EnvoyHeaders.of(h.getHeaders());
        routes = context.backendRoutes();
        String path = headers.getOrDefault(":path", "");
        int q = path.indexOf('?');
        ClientPaths.Target api = ClientPaths.of(q < 0 ? path : path.substring(0, q));
        called = api;
        // first: a client without a valid credential learns nothing (not even the pools) and costs no buffer
        auth = StreamAuthentication.of(authenticate ? routes.policies() : Policies.NONE, h.getHeaders(), path,
                api != null ? api.api().family() : ClientPaths.familyOf(path));
        if (headers.get(HeaderNames.REQUEST_ID) == null) {
            generatedRequestId = UUID.randomUUID().toString(); // plugins keep per-request state by this id
            headers.put(HeaderNames.REQUEST_ID, generatedRequestId);
        }
        if (r.hasMetadataContext()) {
            subset = LbMetadata.subsetHint(r.getMetadataContext());
        }
        // a request Envoy names a backend for (per upstream attempt) is translated, unless the route names a pool
        pool = translate && callPool == null && headers.get(HeaderNames.BACKEND) != null ? null
                : context.selector().choose(callPool, headers.get(EppNames.POOL), context.pools());
        if (pool == null) {
            target = api;
            shape = target != null ? target.api().family() : ClientPaths.familyOf(path);
        }
        if (h.getEndOfStream()) {
            headersOnly();
        } else {
            body = new RequestBodyBuffer(context.settings().maxBodyBytes());
            phase = Phase.BODY;
        }
    }

    /**
     * A request without a body (GET /v1/models and the like): nothing to parse, so a random endpoint of the pool
     * (within the subset hint), as the reference EPP does; body-based routing has nothing to read and passes it on.
     */
    private void headersOnly() throws RequestRejected {
        phase = Phase.FORWARDED;
        Map<String, String> set = new LinkedHashMap<>();
        if (generatedRequestId != null) {
            set.put(HeaderNames.REQUEST_ID, generatedRequestId);
        }
        if (pool == null) {
            send(headersAnswer(set, NOT_FROM_CLIENTS, null));
            context.metrics().decision("", "body_routed");
            return;
        }
        List<Endpoint> eligible = new ArrayList<>();
        for (Endpoint e : pool.endpoints()) {
            if (subset == null || subset.contains(e.address())) {
                eligible.add(e);
            }
        }
        if (eligible.isEmpty()) {
            throw PoolVisit.rejection(Rejection.NO_ENDPOINTS, noEndpoints());
        }
        String destination = eligible.get(ThreadLocalRandom.current().nextInt(eligible.size())).address();
        set.put(EppNames.DESTINATION_ENDPOINT, destination);
        send(headersAnswer(set, List.of(), LbMetadata.destination(destination)));
        context.metrics().decision(pool.name(), "random");
    }

    private String noEndpoints() {
        return subset != null ? "No endpoint of InferencePool '" + pool.name() + "' is in the request's subset hint"
                + " (" + String.join(", ", subset) + ")." : "InferencePool '" + pool.name() + "' has no endpoints.";
    }

    private void requestBody(HttpBody b) throws RequestRejected {
        if (phase != Phase.BODY) {
            return;
        }
        if (!body.add(b.getBody())) {
            throw new RequestRejected(new ApiError(413, ApiError.INVALID_REQUEST, "The request body is larger than"
                    + " this endpoint picker's limit of " + body.maxBytes() + " bytes.", null, "request_too_large"));
        }
        if (b.getEndOfStream()) {
            bodyComplete(true);
        }
    }

    private void requestTrailers() throws RequestRejected {
        if (phase == Phase.BODY) {
            requestTrailersPending = true;
            bodyComplete(false); // Envoy sends trailers to say the body is complete
        } else if (phase == Phase.DECIDING) {
            requestTrailersPending = true; // answered after the body, once the decision is sent
        } else {
            send(ProcessingResponses.requestTrailers());
        }
    }

    private void bodyComplete(boolean endsStream) throws RequestRejected {
        phase = Phase.DECIDING;
        bodyEndsStream = endsStream;
        ByteString raw = body.body();
        ParsedBody parsed = ParsedBody.parse(raw, target == null || target.pathModel() == null);
        String model = target != null && target.pathModel() != null ? target.pathModel() : parsed.model();
        Function<String, String> header = name -> name.equals(HeaderNames.MODEL) ? model : headers.get(name);
        auth.checkModel(model, routes.ruleName(header));
        String path = headers.getOrDefault(":path", "");
        int q = path.indexOf('?');
        governance = StreamGovernance.of(routes.policies(), routes.governed(header), called,
                q < 0 ? path : path.substring(0, q), auth.principal(), model,
                called != null && called.api() == ClientApi.GEMINI_STREAM_GENERATE || parsed.stream());
        if (governance == null) {
            decide(raw, parsed);
            return;
        }
        // the steps may wait on a service (a guardrail callout, Redis): the rest happens back on this executor
        StreamGovernance g = governance;
        g.admit(raw).whenComplete((decision, e) -> executor.execute(() -> {
            if (phase != Phase.DECIDING) { // the stream ended while the steps ran: a grant made since is released
                g.settle(null, false, false);
                return;
            }
            run(() -> {
                ByteString sent = g.admitted(decision, raw);
                decide(sent, sent == raw ? parsed : ParsedBody.parse(sent, target == null
                        || target.pathModel() == null));
            });
        }));
    }

    /** The request's way on, once it may go: a pool's pick, a translation, or body-based routing. */
    private void decide(ByteString raw, ParsedBody parsed) throws RequestRejected {
        if (pool == null) {
            if (!translate || !translate(raw, parsed)) {
                routeByBody(raw, parsed);
            }
            return;
        }
        if (governance != null) {
            governance.checkGuardable(null); // before the request waits in flow control
        }
        RequestSpec spec = new RequestSpec(parsed.model(), headers.get(HeaderNames.MODEL_REWRITE),
                headers.get(HeaderNames.INFERENCE_OBJECTIVE), headers.get(HeaderNames.INFERENCE_FAIRNESS_ID),
                parsed.prompt(raw), parsed.promptTokens(raw), headers, raw.size(), subset);
        visit = new PoolVisit(pool, pool.request(spec),
                called != null && called.api() == ClientApi.GEMINI_STREAM_GENERATE || parsed.stream());
        if (!visit.request().flowControlled()) {
            pick(raw, parsed);
            return;
        }
        visit.queue(new PoolRequest.Listener() {
            @Override
            public void dispatched() {
                executor.execute(() -> afterQueue(() -> pick(raw, parsed)));
            }

            @Override
            public void rejected(Rejection why, String message) {
                executor.execute(() -> afterQueue(() -> {
                    throw PoolVisit.rejection(why, message);
                }));
            }
        });
    }

    private void afterQueue(Step step) {
        if (phase != Phase.DECIDING) {
            return; // the stream ended while the request waited
        }
        visit.dequeued();
        run(step);
    }

    private void pick(ByteString raw, ParsedBody parsed) throws RequestRejected {
        long start = context.nanoTime();
        Decision d = visit.request().pick();
        context.metrics().pick(pool.name(), context.nanoTime() - start);
        if (d.rejected()) {
            throw PoolVisit.rejection(d.rejection(), d.message() != null ? d.message() : noEndpoints());
        }
        List<Endpoint> destinations = Destinations.of(d, context.settings().maxDestinations());
        if (destinations.isEmpty()) {
            throw PoolVisit.rejection(Rejection.NO_ENDPOINTS, noEndpoints());
        }
        visit.started(destinations.get(0));
        String target = visit.request().model();
        ByteString upstreamBody = raw;
        if (target != null && !target.equals(parsed.model())) {
            upstreamBody = parsed.withModel(raw, target);
            restorer = new ModelNameRestorer(target, parsed.model());
        }
        String destination = Destinations.header(destinations);
        Map<String, String> set = modelHeaders(parsed.model(), upstreamBody);
        set.put(EppNames.DESTINATION_ENDPOINT, destination);
        if (!headers.containsKey(HeaderNames.ENDPOINT_LOAD_METRICS_FORMAT)) {
            // model servers that speak ORCA (vLLM) then report their load on the response, fresher than a scrape
            set.put(HeaderNames.ENDPOINT_LOAD_METRICS_FORMAT, "TEXT");
            askedForLoadReport = true;
        }
        forward(set, LbMetadata.destination(destination), upstreamBody);
        context.metrics().decision(pool.name(), "picked");
    }

    /**
     * The request translated for the AIServiceBackend its rule (or Envoy's x-switchboard-backend) names; false when
     * it has none (no rule, or an InferencePool's): then body-based routing.
     */
    private boolean translate(ByteString raw, ParsedBody parsed) throws RequestRejected {
        String model = target != null && target.pathModel() != null ? target.pathModel() : parsed.model();
        BackendRef ref = routes.choose(headers.get(HeaderNames.BACKEND),
                name -> name.equals(HeaderNames.MODEL) ? model : headers.get(name), ThreadLocalRandom.current());
        if (ref == null) {
            return false;
        }
        if (target == null) {
            throw new RequestRejected(ApiError.notFound("No API at " + headers.get(":path") + " for backend '"
                    + ref.backend().name() + "'; this processor translates the OpenAI, Anthropic and Gemini APIs.",
                    "unknown_url"));
        }
        if (governance != null) {
            governance.checkGuardable(ref.backend());
        }
        translated = TranslatedRequest.of(target, ref, headers, raw, parsed, routes.credentials(),
                governance == null ? null : governance.hook());
        restorer = translated.restorer;
        if (generatedRequestId != null) {
            translated.set.put(HeaderNames.REQUEST_ID, generatedRequestId);
        }
        forward(translated.set, translated.remove, null, translated.body);
        context.metrics().decision("", "translated");
        return true;
    }

    /** Body-based routing: the model in headers Envoy's routes match on, the route cache cleared, no pick. */
    private void routeByBody(ByteString raw, ParsedBody parsed) throws RequestRejected {
        if (governance != null) {
            governance.checkGuardable(null);
        }
        Map<String, String> set = modelHeaders(parsed.model(), raw);
        set.put(EppNames.BASE_MODEL_NAME, context.baseModels().of(parsed.model()));
        forward(set, NOT_FROM_CLIENTS, null, raw);
        context.metrics().decision("", "body_routed");
    }

    private Map<String, String> modelHeaders(String model, ByteString upstreamBody) {
        Map<String, String> set = new LinkedHashMap<>();
        set.put(HeaderNames.MODEL, model);
        set.put(EppNames.MODEL_NAME, model);
        set.put("content-length", Integer.toString(upstreamBody.size()));
        if (generatedRequestId != null) {
            set.put(HeaderNames.REQUEST_ID, generatedRequestId);
        }
        return set;
    }

    private void forward(Map<String, String> set, Struct metadata, ByteString upstreamBody) {
        forward(set, List.of(), metadata, upstreamBody);
    }

    private void forward(Map<String, String> set, List<String> remove, Struct metadata, ByteString upstreamBody) {
        body = null; // the buffer is not needed any more: let it go before the response comes
        if (governance != null && translated == null) {
            sentBody = upstreamBody; // what a watched response's plan reads the request's options from
        }
        send(headersAnswer(set, remove, metadata));
        ProcessingResponses.requestBody(upstreamBody, bodyEndsStream, this::send);
        if (requestTrailersPending) {
            send(ProcessingResponses.requestTrailers());
        }
        phase = Phase.FORWARDED;
    }

    /** The answer to the request headers, with what client authentication adds (credentials removed, principal). */
    private ProcessingResponse headersAnswer(Map<String, String> set, List<String> remove, Struct metadata) {
        return ProcessingResponses.requestHeaders(set, auth.removals(remove, set), auth.metadata(metadata));
    }

    private void responseHeaders(ProcessingRequest r) {
        Map<String, String> h = EnvoyHeaders.of(r.getResponseHeaders().getHeaders());
        Map<String, String> set = new LinkedHashMap<>();
        if (visit != null) {
            if (r.hasMetadataContext()) {
                visit.servedBy(LbMetadata.servedEndpoint(r.getMetadataContext()));
            }
            visit.loadReport(h.get(HeaderNames.ENDPOINT_LOAD_METRICS));
            Endpoint served = visit.endpoint();
            if (served != null) {
                visit.request().addResponseHeaders(served, set::put);
            }
        }
        String status = h.getOrDefault(":status", "");
        if (governance != null) {
            governance.responseHeaders(set);
        }
        context.metrics().response(pool == null ? "" : pool.name(), status);
        List<String> remove = new ArrayList<>();
        if (askedForLoadReport && h.containsKey(HeaderNames.ENDPOINT_LOAD_METRICS)) {
            remove.add(HeaderNames.ENDPOINT_LOAD_METRICS);
        }
        relay = responseBody(status, set, remove);
        send(ProcessingResponses.responseHeaders(set, remove));
        if (r.getResponseHeaders().getEndOfStream()) {
            responseWhole = true;
            responseComplete();
        }
    }

    /** The way back for the body: translated to the client's API when the request was and this status needs it. */
    private ResponseBody responseBody(String status, Map<String, String> set, List<String> remove) {
        int code;
        try {
            code = Integer.parseInt(status);
        } catch (NumberFormatException e) {
            code = 502;
        }
        if (translated == null) {
            return governance == null || sentBody == null ? new ResponseBodyRelay(restorer)
                    : watched(code, set, remove);
        }
        set.put(HeaderNames.BACKEND, translated.ref.backend().name());
        ResponseTranslation t = translated.responses().open(code, new ResponseContext(translated.clientModel,
                headers.get(HeaderNames.REQUEST_ID), System.currentTimeMillis() / 1000, false));
        if (t == null) {
            return new ResponseBodyRelay(restorer);
        }
        StreamGovernance g = governance;
        TranslatedResponse response = new TranslatedResponse(t, () -> g != null && g.blocked(), null);
        response.headers(set, remove);
        return response;
    }

    /** An untranslated response through the governance steps' hook (counted; guarded when the route says so). */
    private ResponseBody watched(int code, Map<String, String> set, List<String> remove) {
        ParsedBody parsed;
        try {
            parsed = ParsedBody.parse(sentBody, false);
        } catch (RequestRejected e) { // it was parsed before it was sent: cannot happen
            return new ResponseBodyRelay(restorer);
        }
        String path = headers.getOrDefault(":path", "");
        int q = path.indexOf('?');
        StreamGovernance g = governance;
        ResponseTranslation t = g.watch(sentBody, parsed.model(), called.api() == ClientApi.GEMINI_STREAM_GENERATE
                || parsed.stream(), q < 0 ? null : path.substring(q + 1), code, new ResponseContext(parsed.model(),
                headers.get(HeaderNames.REQUEST_ID), System.currentTimeMillis() / 1000, false));
        sentBody = null;
        if (t == null) {
            return new ResponseBodyRelay(restorer);
        }
        TranslatedResponse response = new TranslatedResponse(t, g::blocked, restorer);
        response.headers(set, remove);
        return response;
    }

    private void responseBody(HttpBody b) {
        if (relay == null) {
            relay = new ResponseBodyRelay(restorer); // response headers not sent to the processor
        }
        if (relay.body(b.getBody(), b.getEndOfStream(), this::send) && visit != null) {
            visit.firstToken();
        }
        if (relay.cut()) { // a guardrail ended the answer: the client's body is over, the upstream's no concern
            responseComplete();
            answers.complete();
        } else if (b.getEndOfStream()) {
            responseWhole = true;
            responseComplete();
        }
    }

    private void responseTrailers() {
        if (relay != null) {
            relay.flush(this::send);
        }
        send(ProcessingResponses.responseTrailers());
        responseWhole = relay == null || !relay.cut();
        responseComplete();
    }

    private void responseComplete() {
        UsageTail.Usage usage = relay == null ? null : relay.usage();
        if (usage != null) {
            if (visit != null) {
                visit.usage(usage.promptTokens(), usage.cachedTokens());
            }
            context.metrics().usage(pool == null ? "" : pool.name(),
                    translated == null ? "" : translated.ref.backend().name(),
                    (translated == null ? ApiSchema.OPENAI : translated.ref.backend().schema().name()).providerName(), usage);
        }
        end();
    }

    /** Envoy answers the client with the refusal; the stream is over for this processor. */
    private void refuse(RequestRejected e) {
        send(ProcessingResponses.immediate(e.error(), e.headers(), e.body(shape)));
        String reason = e.headers().get(HeaderNames.REQUEST_DROPPED_REASON);
        context.metrics().decision(pool == null ? "" : pool.name(),
                reason != null ? reason : e.error().code() != null ? e.error().code() : "status_" + e.error().status());
        end();
        answers.complete();
    }

    /** The request is over: leaves the queue, closes its lease. Idempotent. */
    private void end() {
        if (phase == Phase.DONE) {
            return;
        }
        boolean forwarded = phase == Phase.FORWARDED;
        phase = Phase.DONE;
        body = null;
        sentBody = null;
        if (governance != null) { // the usage, or the prompt and what was produced; nothing when nothing was sent
            governance.settle(relay == null ? null : relay.usage(), responseWhole, forwarded);
        }
        if (visit != null) {
            visit.end();
        }
        context.metrics().streams(-1);
    }

    private void send(ProcessingResponse r) {
        answers.send(r);
    }
}
