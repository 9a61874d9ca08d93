package dev.switchboard.gateway.handler;

import dev.switchboard.core.config.RouteRule;
import dev.switchboard.core.error.ApiError;
import dev.switchboard.core.http.HeaderNames;
import dev.switchboard.core.model.UsageTail;
import dev.switchboard.gateway.routing.Attempt;
import dev.switchboard.gateway.routing.AttemptPlan;
import dev.switchboard.gateway.server.GatewayContext;
import dev.switchboard.gateway.server.RuntimeConfig;
import dev.switchboard.gateway.upstream.UpstreamConnection;
import dev.switchboard.gateway.upstream.UpstreamListener;
import dev.switchboard.policy.governance.RequestGovernance;
import dev.switchboard.providers.ResponseContext;
import dev.switchboard.providers.ResponseTranslation;
import dev.switchboard.providers.TranslationException;
import dev.switchboard.providers.Translator;
import dev.switchboard.providers.UpstreamCall;
import dev.switchboard.providers.chat.Usage;
import dev.switchboard.providers.credentials.BackendCredentials;
import dev.switchboard.providers.credentials.Credential;
import dev.switchboard.providers.credentials.CredentialsNotReadyException;
import dev.switchboard.providers.wire.ByteSink;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ScheduledFuture;
import dev.switchboard.picker.flowcontrol.Rejection;
import dev.switchboard.picker.pool.Lease;
import dev.switchboard.picker.pool.PoolRequest;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * One client request on its way through the gateway: the attempt loop, then the relay of the chosen upstream's
 * response back to the client. Lives on the client channel's event loop; upstream connections are on the same
 * loop, so no field needs synchronization.
 */
final class ProxyExchange implements UpstreamListener {
    /*
     * Attempt loop: attempts follow the AttemptPlan (weights, then priorities, bounded by the retry count). An
     * attempt fails on connect failure, a reset or close before the response head, or a 429/5xx head; it is
     * retried, after a jittered exponential backoff, only while nothing has been sent to the client and the request
     * deadline allows. The last attempt's 429/5xx is passed through as the upstream sent it; a last attempt that got
     * no response at all becomes a 502 in the OpenAI error shape.
     *
     * Timers: the route's request timeout bounds the whole request (504 before the response head, a cut stream
     * after). No other timer runs before the head: an upstream that accepted the request may be computing a long
     * answer, and abandoning it would make the model server generate it again. streamIdleTimeout runs once the
     * response has started (StreamIdleTimer), counting only silence while the gateway was reading.
     *
     * Relay and backpressure: the upstream connection never reads on its own (AUTO_READ off). The parts of one
     * upstream read are written to the client and flushed together when the read ends (onReadComplete: one write
     * syscall per read, not per part); the next read is then requested only if the client channel is still
     * writable, otherwise once it drains (onWritable). So a slow client slows the upstream read instead of growing
     * a buffer, and each SSE chunk is flushed as soon as the read that brought it ends.
     *
     * Failures after the response head went out cannot be retried or turned into an error status: the client
     * connection is closed, so the client sees a truncated response instead of a clean end that looks complete.
     *
     * Pools (RequestPools, over the pools of the configuration the request arrived under): before the plan is
     * built, a request to a pool with flow control waits in that pool's queue; while the plan is built, each pool
     * ref applies legacy shedding and picks. A request no pool admitted and nothing else can serve gets the pool's
     * 429/503 (with Retry-After and the dropped-reason header).
     */

    private final ChannelHandlerContext ctx;
    private final GatewayContext gateway;
    private final HttpRequest request;
    /** Kept for retries until the response commits; released then. */
    private final RequestBody body;
    private final RequestInfo info;
    private final RouteRule rule;
    /** The API the client called, and the model its path names (Gemini's). */
    private final Api.Target target;
    /** {@link #views}' array for the usual single-buffer chunk, kept for the exchange. */
    private final ByteBuffer[] oneView = new ByteBuffer[1];
    /** This attempt's call: path, headers, body, and how its response is translated. */
    private UpstreamCall call;
    /** The model this attempt asks its backend for instead of the client's (a rewrite), or null. */
    private String override;
    /** The credentials of the configuration the request arrived under. */
    private final BackendCredentials credentials;
    /** The committed response's translation into the client's format, or null when it passes as it is. */
    private ResponseTranslation translation;
    /** A translated whole response's head, sent with the body once the body is known. */
    private HttpResponse heldHead;
    /** The request at its rule's InferencePools: queue waits, picks, target models, leases. */
    private final RequestPools pools;
    /** The attempts; built once the request is admitted (null while it waits in a pool's queue). */
    private AttemptPlan plan;
    private final Runnable onDone;
    /** The request's guardrails and limits, or null when none apply. */
    private final RequestGovernance governance;
    /** Whether an attempt's request was written to a backend (so the request may have cost something). */
    private boolean sentUpstream;

    private UpstreamConnection connection;
    /** This attempt's share of its pool endpoint's load, or null when the attempt is not on a pool. */
    private Lease poolLease;
    private Attempt attempt;
    private ScheduledFuture<?> deadline;
    /** The committed response's stream-idle timer; null until a read ends with the response still going. */
    private StreamIdleTimer idle;
    /** Whether this attempt's connection came from the idle pool (no connect time in the measured overhead). */
    private boolean pooledConnection;
    private long firstByteNanos = -1;
    private int status;
    private boolean upstreamKeepAlive;
    private boolean committed;
    private boolean waitingForWritability;
    /** Response parts were written to the client and not flushed yet (flushed once per upstream read). */
    private boolean unflushed;
    private boolean done;
    /** The response's last bytes, for its token usage (successful responses only). */
    private UsageTail usageTail;
    /** The answer's usage once read ({@link #usage()}). */
    private UsageTail.Usage answered;
    private boolean usageRead;
    private String lastFailure = "no backend was available";
    /** Why the gateway answered with its own error or cut the response, for the access log; null otherwise. */
    private String error;

    /**
     * Takes ownership of {@code body}.
     *
     * @param config the configuration that routed the request to {@code rule}: its pools serve the request
     */
    ProxyExchange(ChannelHandlerContext ctx, GatewayContext gateway, RuntimeConfig config, HttpRequest request,
            RequestBody body, RequestInfo info, Api.Target target, RouteRule rule, RequestGovernance governance,
            Runnable onDone) {
        this.target = target;
        this.governance = governance;
        this.ctx = ctx;
        this.gateway = gateway;
        this.request = request;
        this.body = body;
        this.info = info;
        this.rule = rule;
        this.onDone = onDone;
        this.pools = new RequestPools(config.pools(), request.headers(), info, body.content());
        this.credentials = config.credentials();
    }

    void start() {
        deadline = ctx.executor().schedule(this::requestTimedOut, rule.requestTimeout().toNanos(), TimeUnit.NANOSECONDS);
        PoolRequest gate = pools.flowGate(rule);
        if (gate == null) {
            beginAttempts();
            return;
        }
        pools.queue(gate, new PoolRequest.Listener() {
            @Override
            public void dispatched() {
                onLoop(() -> {
                    if (!done) {
                        beginAttempts();
                    }
                });
            }

            @Override
            public void rejected(Rejection why, String message) {
                onLoop(() -> {
                    if (!done) {
                        pools.rejectedByQueue(why, message);
                        rejectByAdmission();
                    }
                });
            }
        });
    }

    /** Runs {@code task} on this request's event loop (flow control decides on whichever loop it runs on). */
    private void onLoop(Runnable task) {
        if (ctx.executor().inEventLoop()) {
            task.run();
            return;
        }
        try {
            ctx.executor().execute(task);
        } catch (RejectedExecutionException e) {
            // the gateway is shutting down and this connection with it
        }
    }

    /** The request is admitted (or needs no admission): plan the attempts, picking at each pool now, and start. */
    private void beginAttempts() {
        plan = AttemptPlan.of(rule, gateway.outliers(), ThreadLocalRandom.current(), pools::order);
        if (plan.all().isEmpty() && pools.rejection() != null) {
            rejectByAdmission();
            return;
        }
        nextAttempt();
    }

    /** Answers with the admission's 429/503 (Retry-After, dropped reason); nothing was sent anywhere. */
    private void rejectByAdmission() {
        var rejection = pools.error();
        status = rejection.status();
        error = rejection.message();
        gateway.metrics().dropped(pools.rejectedBy(), pools.rejection().reason);
        ErrorResponses.send(ctx, target.api().family(), rejection, info.requestId(), info.keepAlive(), pools.headers());
        end(false);
    }

    /** Attempts made so far (0 while waiting for admission). */
    private int attemptsMade() {
        return plan == null ? 0 : plan.made();
    }

    private void nextAttempt() {
        if (done) {
            return;
        }
        attempt = plan.next();
        if (attempt == null) {
            fail(502, plan.made() == 0 ? lastFailure
                    : "All " + plan.made() + " attempts failed; the last one: " + lastFailure);
            return;
        }
        if (!planCall()) {
            return;
        }
        Future<UpstreamConnection> f = gateway.pool().acquire(ctx.channel().eventLoop(), attempt.upstream());
        pooledConnection = f.isDone();
        if (f.isDone()) {
            connected(f);
        } else {
            f.addListener(x -> connected(f));
        }
    }

    /**
     * This attempt's call, in its backend's API (translated afresh for each backend); false when the request was
     * answered instead: a 400 when it cannot be said in that API, or the gateway's own answer (an estimated token
     * count) when that API has no call for it.
     */
    private boolean planCall() {
        override = pools.upstreamModel(attempt);
        String unguardable = governance == null ? null : governance.unguardable(target.api().client,
                target.api().path, attempt.ref().backend());
        if (unguardable != null) {
            status = 400;
            error = unguardable;
            ErrorResponses.send(ctx, target.api().family(), ApiError.badRequest(unguardable, null), info.requestId(),
                    info.keepAlive());
            end(false);
            return false;
        }
        try {
            call = Translator.call(target.api().client, attempt.ref().backend(), () -> ByteBufUtil.getBytes(body.content()),
                    target.pathModel(), override != null ? override : info.model(), info.stream(), query(), governance);
        } catch (TranslationException e) { // this request cannot be said in this backend's API: the client's to fix
            status = 400;
            error = e.getMessage();
            ErrorResponses.send(ctx, target.api().family(), ApiError.badRequest(e.getMessage(), e.param()),
                    info.requestId(), info.keepAlive());
            end(false);
            return false;
        }
        if (call.local() != null) {
            status = 200;
            Map<String, String> headers = new HashMap<>(call.local().headers());
            headers.put(HeaderNames.BACKEND, attempt.ref().backend().name());
            ErrorResponses.send(ctx, HttpResponseStatus.OK, call.local().body(), HttpHeaderValues.APPLICATION_JSON,
                    info.requestId(), info.keepAlive(), headers);
            end(true);
            return false;
        }
        return true;
    }

    private void connected(Future<UpstreamConnection> f) {
        if (!f.isSuccess()) {
            attemptFailed("cannot connect: " + describe(f.cause()));
            return;
        }
        if (done) {
            gateway.pool().release(f.getNow(), true);
            return;
        }
        FullHttpRequest upstreamRequest;
        try {
            upstreamRequest = UpstreamRequests.build(request, body.content(), info.modelStart(), info.modelEnd(),
                    attempt, info.model(), override, info.requestId(), call);
        } catch (RuntimeException e) { // a header value that slipped past validation: answer, never hang
            gateway.pool().release(f.getNow(), true);
            fail(500, "The gateway could not build the request to backend '" + attempt.ref().backend().name()
                    + "': " + e.getMessage());
            return;
        }
        String backendName = attempt.ref().backend().name();
        Credential credential = credentials.of(backendName);
        if (credential != null) {
            try {
                UpstreamRequests.authenticate(upstreamRequest, credential, credentials.signsBody(backendName));
            } catch (CredentialsNotReadyException e) {
                upstreamRequest.release();
                gateway.pool().release(f.getNow(), true);
                attemptFailed("has no credentials yet: " + e.getMessage());
                return;
            }
        }
        connection = f.getNow();
        connection.attach(this);
        poolAttemptStarted();
        if (pooledConnection && plan.made() == 1) {
            gateway.metrics().overhead(System.nanoTime() - info.readyNanos());
        }
        sentUpstream = true;
        connection.channel().writeAndFlush(upstreamRequest).addListener(w -> {
            if (!w.isSuccess()) {
                onFailure(w.cause());
            }
        });
        connection.channel().read(); // the rest follow each read's end (onReadComplete)
    }

    @Override
    public void onMessage(HttpObject message) {
        if (done) {
            ReferenceCountUtil.release(message);
            return;
        }
        if (message instanceof HttpResponse head) {
            if (!head(head)) {
                ReferenceCountUtil.release(message);
            } else if (translation != null) {
                if (heldHead == null) { // a translated stream: its head goes now
                    ctx.write(clientHead(head));
                    unflushed = true;
                }
                if (head instanceof HttpContent whole) {
                    translate(whole);
                }
            } else if (head instanceof HttpContent whole) {
                relay(whole); // a head with its body (an HTTP/2 upstream's headers with end of stream)
            } else {
                ctx.write(head);
                unflushed = true;
            }
        } else if (message instanceof HttpContent content) {
            relay(content);
        } else {
            ReferenceCountUtil.release(message);
        }
    }

    /** Passes a part of the committed response on to the client (flushed at the end of the read, or now if last). */
    private void relay(HttpContent content) {
        if (translation != null) {
            translate(content);
            return;
        }
        if (firstByteNanos < 0 && content.content().isReadable()) {
            firstByteNanos = System.nanoTime();
            if (poolLease != null) {
                firstToken();
            }
        }
        if (usageTail != null && content.content().isReadable()) {
            for (ByteBuffer b : views(content.content())) {
                usageTail.add(b);
            }
        }
        ctx.write(content);
        if (content instanceof LastHttpContent) {
            ctx.flush();
            finish(upstreamKeepAlive);
        } else {
            unflushed = true;
        }
    }

    /** The pool hears of the first bytes; a stream's time to them teaches it the endpoint's prefill speed. */
    private void firstToken() {
        if (info.stream()) {
            poolLease.firstToken();
        } else {
            poolLease.prefilled();
        }
    }

    /**
     * Whether the translation relays the backend's bytes as they are (a hook only watches them): a cut stream is
     * then cut for the client too, as without the hook, rather than ended in the gateway's words.
     */
    private boolean relayedAsIs() {
        return translation.contentType() == null;
    }

    /** The client's head for a translated response: the upstream's status and headers, without its body. */
    private static HttpResponse clientHead(HttpResponse head) {
        return new DefaultHttpResponse(HttpVersion.HTTP_1_1, head.status(), head.headers());
    }

    /**
     * A part of a response in another format than the client's: translated as it arrives (a stream) or, for a
     * whole body, kept by the translation until the last part and sent with its length.
     */
    private void translate(HttpContent content) {
        boolean last = content instanceof LastHttpContent;
        try {
            if (content.content().isReadable()) {
                if (poolLease != null && firstByteNanos < 0) {
                    firstToken();
                }
                for (ByteBuffer b : views(content.content())) {
                    translation.feed(b);
                }
            }
            if (last) {
                translation.end();
            }
        } catch (RuntimeException e) {
            abort("the response of backend '" + attempt.ref().backend().name() + "' could not be translated: "
                    + describe(e));
            return;
        } finally {
            content.release();
        }
        ByteSink out = translation.out();
        if (!out.isEmpty() && firstByteNanos < 0) {
            firstByteNanos = System.nanoTime();
        }
        if (heldHead != null) {
            if (last) {
                int answered = translation.status(status);
                if (answered != status) { // a 2xx the gateway could not translate: its error, with its status
                    status = answered;
                    heldHead.setStatus(HttpResponseStatus.valueOf(answered));
                    error = "the answer of backend '" + attempt.ref().backend().name() + "' could not be translated";
                }
                HttpUtil.setContentLength(heldHead, out.size());
                ctx.write(heldHead);
                ctx.write(new DefaultLastHttpContent(Unpooled.wrappedBuffer(out.toByteArray())));
                heldHead = null;
                ctx.flush();
                finish(upstreamKeepAlive);
            }
            return;
        }
        if (!out.isEmpty()) {
            ctx.write(new DefaultHttpContent(Unpooled.wrappedBuffer(out.toByteArray())));
            out.reset();
            unflushed = true;
        }
        if (last) {
            ctx.write(LastHttpContent.EMPTY_LAST_CONTENT);
            ctx.flush();
            finish(upstreamKeepAlive);
        } else if (governance != null && governance.blocked() != null) {
            blockedMidStream();
        }
    }

    /**
     * A guardrail ended the stream (its error event is written): end the client's response and close the upstream
     * connection, so the model server stops generating what nobody will read.
     */
    private void blockedMidStream() {
        error = "guardrail rule " + governance.blocked().ruleId() + " blocked the response";
        dropConnection();
        ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
        end(true);
    }

    /**
     * The readable bytes as buffers to read: a pooled single buffer's own internal view (no object per chunk), else
     * one view per component.
     */
    private ByteBuffer[] views(ByteBuf b) {
        if (b.nioBufferCount() == 1) {
            oneView[0] = b.internalNioBuffer(b.readerIndex(), b.readableBytes());
            return oneView;
        }
        return b.nioBuffers();
    }

    /** The client's query string (without '?'), or null. */
    private String query() {
        int q = request.uri().indexOf('?');
        return q < 0 ? null : request.uri().substring(q + 1);
    }

    @Override
    public void onReadComplete() {
        if (done || connection == null) {
            return;
        }
        if (unflushed) {
            unflushed = false;
            ctx.flush();
        }
        if (idle != null) {
            idle.activity(System.nanoTime());
        } else if (committed) { // a response that did not end with its first read: from now on, silence counts
            idle = new StreamIdleTimer(ctx.executor(), rule.streamIdleTimeout().toNanos(), this::streamWentSilent);
            idle.start(System.nanoTime());
        }
        readMore();
    }

    /**
     * Handles the response head and readies it for the client (the caller writes it); false when the attempt is
     * abandoned for a retry (the caller then releases it).
     */
    private boolean head(HttpResponse head) {
        status = head.status().code();
        if (poolLease != null) {
            poolLease.loadReport(head.headers().get(HeaderNames.ENDPOINT_LOAD_METRICS));
        }
        boolean retryable = status == 429 || status >= 500;
        if (retryable && plan.made() < plan.all().size() && deadlineAllowsRetry()) {
            if (status != 429) {
                gateway.outliers().failure(attempt.upstream()); // busy is not broken: 429 does not count
            }
            dropConnection();
            scheduleRetry("backend '" + attempt.ref().backend().name() + "' answered " + status);
            return false;
        }
        if (!retryable) {
            gateway.outliers().success(attempt.upstream());
        }
        committed = true;
        body.release(); // no attempt follows a committed response
        translation = call.responses().open(status, new ResponseContext(info.model(), info.requestId(),
                System.currentTimeMillis() / 1000, false));
        usageTail = status == 200 && translation == null ? new UsageTail(HttpUtil.getContentLength(head, -1L)) : null;
        upstreamKeepAlive = HttpUtil.isKeepAlive(head);
        // the upstream's head goes on to the client as it is, its hop-by-hop headers replaced by the client's own
        HttpHeaders out = head.headers();
        out.remove(HttpHeaderNames.CONNECTION).remove("keep-alive").remove("proxy-connection");
        if (translation != null) { // the body is the gateway's now: its length (and encoding, if it changes)
            out.remove(HttpHeaderNames.CONTENT_LENGTH).remove(HttpHeaderNames.TRANSFER_ENCODING);
            if (!relayedAsIs()) {
                out.remove(HttpHeaderNames.CONTENT_ENCODING);
                out.set(HttpHeaderNames.CONTENT_TYPE, translation.contentType());
            }
            if (translation.streamed()) {
                out.set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
            } else {
                heldHead = clientHead(head);
            }
        }
        if (poolLease != null && !request.headers().contains(HeaderNames.ENDPOINT_LOAD_METRICS_FORMAT)) {
            out.remove(HeaderNames.ENDPOINT_LOAD_METRICS); // the gateway asked for it, not the client
        }
        out.set(HeaderNames.REQUEST_ID, info.requestId());
        out.set(HeaderNames.BACKEND, attempt.ref().backend().name());
        if (governance != null) {
            governance.responseHeaders().forEach(out::set);
        }
        pools.addResponseHeaders(attempt, out);
        HttpUtil.setKeepAlive(head, info.keepAlive());
        return true;
    }

    private void readMore() {
        if (connection == null) {
            return;
        }
        if (ctx.channel().isWritable()) {
            connection.channel().read();
        } else {
            waitingForWritability = true;
            if (idle != null) {
                idle.pause();
            }
        }
    }

    /** The client channel can take more: resume reading the upstream. */
    void onWritable() {
        if (waitingForWritability && ctx.channel().isWritable()) {
            waitingForWritability = false;
            if (idle != null) {
                idle.resume(System.nanoTime());
            }
            readMore();
        }
    }

    @Override
    public void onFailure(Throwable cause) {
        if (done) {
            return;
        }
        String what = cause == null ? "closed the connection" : describe(cause);
        if (committed) {
            gateway.outliers().failure(attempt.upstream());
            String why = "backend '" + attempt.ref().backend().name() + "' " + what + " mid-response";
            if (translation != null && heldHead == null && !relayedAsIs()) {
                endTranslatedStream(why);
            } else {
                abort(why);
            }
            return;
        }
        attemptFailed(what);
    }

    /**
     * A translated stream whose upstream went away: the translation ends it (a stream without its terminal event
     * becomes the client format's own error event, a 502 saying the backend's stream was cut), so the client reads
     * the error in its shape rather than a reset it cannot tell from a network fault. Still logged as incomplete.
     */
    private void endTranslatedStream(String why) {
        error = why;
        dropConnection();
        try {
            translation.end();
        } catch (RuntimeException e) {
            abort(why);
            return;
        }
        ByteSink out = translation.out();
        if (!out.isEmpty()) {
            ctx.write(new DefaultHttpContent(Unpooled.wrappedBuffer(out.toByteArray())));
            out.reset();
        }
        ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
        end(false);
    }

    private void attemptFailed(String what) {
        gateway.outliers().failure(attempt.upstream());
        dropConnection();
        String failure = "backend '" + attempt.ref().backend().name() + "' (" + attempt.upstream().authority() + ") " + what;
        if (plan.made() < plan.all().size() && deadlineAllowsRetry()) {
            scheduleRetry(failure);
        } else {
            lastFailure = failure;
            nextAttempt(); // exhausted: answers the client
        }
    }

    private void scheduleRetry(String failure) {
        lastFailure = failure;
        long base = rule.retry().backoff().toNanos() << Math.min(10, Math.max(0, plan.made() - 1));
        long delay = (long) (base * (0.5 + ThreadLocalRandom.current().nextDouble()));
        ctx.executor().schedule(this::nextAttempt, delay, TimeUnit.NANOSECONDS);
    }

    private boolean deadlineAllowsRetry() {
        return deadline == null || deadline.getDelay(TimeUnit.NANOSECONDS) > rule.retry().backoff().toNanos();
    }

    /** The committed response's upstream sent nothing for streamIdleTimeout while it was being read: cut it. */
    private void streamWentSilent(long silentNanos) {
        if (!done && connection != null) {
            gateway.outliers().failure(attempt.upstream());
            abort("backend '" + attempt.ref().backend().name() + "' sent nothing for "
                    + TimeUnit.NANOSECONDS.toMillis(silentNanos) + " ms (streamIdleTimeout)");
        }
    }

    private void requestTimedOut() {
        if (done) {
            return;
        }
        String what = "The request did not complete within " + rule.requestTimeout().toMillis() + " ms (route timeout).";
        if (committed) {
            abort(what);
        } else {
            dropConnection();
            fail(504, what + (attemptsMade() > 0 ? " Last failure: " + lastFailure : ""));
        }
    }

    /** Answers the client with a gateway error; nothing has been sent yet. */
    private void fail(int code, String message) {
        status = code;
        error = message;
        ErrorResponses.send(ctx, target.api().family(), ApiError.serverError(code, message), info.requestId(),
                info.keepAlive());
        end(false);
    }

    /** The client went away, or the response cannot be completed: drop everything. */
    void abort(String why) {
        if (done) {
            return;
        }
        if (!committed) {
            status = 499;
        }
        error = why;
        dropConnection();
        ctx.close();
        end(false);
    }

    private void finish(boolean reusable) {
        gateway.outliers().success(attempt.upstream());
        if (connection != null) {
            gateway.pool().release(connection, reusable);
            connection = null;
            if (poolLease != null) {
                UsageTail.Usage u = usage();
                if (u != null) {
                    poolLease.usage(u.promptTokens(), u.cachedTokens());
                }
            }
            poolAttemptEnded();
        }
        end(true);
    }

    /**
     * The answer's usage as the backend reported it, or null; read once, when the answer is over (the pool's lease
     * and the request's metrics both want it, and reading a tail parses it).
     */
    private UsageTail.Usage usage() {
        if (!usageRead) {
            usageRead = true;
            answered = translation != null ? usage(translation.usage()) : usageTail != null ? usageTail.usage() : null;
        }
        return answered;
    }

    private void end(boolean complete) {
        done = true;
        pools.cancel(); // still queued (timeout, client gone): leave the queue; nothing went upstream
        if (deadline != null) {
            deadline.cancel(false);
        }
        if (idle != null) {
            idle.stop();
        }
        body.release();
        long now = System.nanoTime();
        long firstByte = firstByteNanos < 0 ? -1 : firstByteNanos - info.startNanos();
        UsageTail.Usage usage = complete ? usage() : null;
        if (governance != null) {
            governance.settle(translation != null ? translation.usage() : usage == null ? null
                    : new Usage(usage.promptTokens(), usage.completionTokens(), usage.cachedTokens(), -1, -1),
                    complete, sentUpstream);
        }
        gateway.metrics().request(info, attempt, status, now - info.startNanos(), firstByte, usage);
        gateway.accessLog().log(info, attempt, status, attemptsMade(), now - info.startNanos(), firstByte, usage, complete,
                error);
        onDone.run();
    }

    private void dropConnection() {
        if (idle != null) {
            idle.stop();
        }
        if (connection != null) {
            gateway.pool().release(connection, false);
            connection = null;
            poolAttemptEnded();
        }
    }

    private void poolAttemptStarted() {
        poolLease = pools.started(attempt);
    }

    private void poolAttemptEnded() {
        if (poolLease != null) {
            poolLease.close(); // its capacity may go to a queued request
            poolLease = null;
        }
    }

    private static UsageTail.Usage usage(Usage u) {
        return u.known() ? new UsageTail.Usage(u.inputTokens(), u.outputTokens(), u.cachedInputTokens()) : null;
    }

    private static String describe(Throwable t) {
        String m = t.getMessage();
        return t.getClass().getSimpleName() + (m == null ? "" : ": " + m);
    }
}
