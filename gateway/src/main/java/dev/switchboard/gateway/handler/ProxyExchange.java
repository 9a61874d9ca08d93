package dev.switchboard.gateway.handler;

import dev.switchboard.core.config.BackendRef;
import dev.switchboard.core.config.RouteRule;
import dev.switchboard.core.config.Upstream;
import dev.switchboard.core.error.ApiError;
import dev.switchboard.core.http.HeaderNames;
import dev.switchboard.core.model.UsageTail;
import dev.switchboard.gateway.pool.PoolAdmission;
import dev.switchboard.gateway.pool.PoolRuntime;
import dev.switchboard.gateway.routing.Attempt;
import dev.switchboard.gateway.routing.AttemptPlan;
import dev.switchboard.gateway.routing.PoolModels;
import dev.switchboard.gateway.server.GatewayContext;
import dev.switchboard.gateway.upstream.UpstreamConnection;
import dev.switchboard.gateway.upstream.UpstreamListener;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
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
import dev.switchboard.picker.flowcontrol.FlowController;
import dev.switchboard.picker.flowcontrol.Rejection;
import dev.switchboard.picker.scheduling.PickRequest;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
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
     * Admission (RequestAdmission): before the plan is built, a request to a pool with flow control waits in that
     * pool's queue; while the plan is built, each pool ref applies legacy shedding. A request no pool admitted
     * and nothing else can serve gets the pool's 429/503 (with Retry-After and the dropped-reason header).
     */

    /** Body bytes given to the picker for prefix affinity (256 blocks of 64 characters is the default reach). */
    static final int PROMPT_PREFIX_BYTES = 64 * 1024;

    private final ChannelHandlerContext ctx;
    private final GatewayContext gateway;
    private final HttpRequest request;
    /** Kept for retries until the response commits; released then. */
    private final RequestBody body;
    private final RequestInfo info;
    private final RouteRule rule;
    private final RequestAdmission admission;
    /** The attempts; built once the request is admitted (null while it waits in a pool's queue). */
    private AttemptPlan plan;
    private final Runnable onDone;
    /** Per InferencePool ref: the model the pool serves this request as, and its profile's response plugins. */
    private final PoolPicks poolPicks = new PoolPicks();

    private UpstreamConnection connection;
    /** This attempt's share of its pool endpoint's load, or null when the attempt is not on a pool. */
    private PoolRuntime.Lease poolLease;
    /** That pool's admission, told when the attempt ends (flow control may then dispatch a queued request). */
    private PoolAdmission attemptAdmission;
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
    private String lastFailure = "no backend was available";
    /** Why the gateway answered with its own error or cut the response, for the access log; null otherwise. */
    private String error;

    /** Takes ownership of {@code body}. */
    ProxyExchange(ChannelHandlerContext ctx, GatewayContext gateway, HttpRequest request, RequestBody body,
            RequestInfo info, RouteRule rule, Runnable onDone) {
        this.ctx = ctx;
        this.gateway = gateway;
        this.request = request;
        this.body = body;
        this.info = info;
        this.rule = rule;
        this.onDone = onDone;
        this.admission = new RequestAdmission(gateway.config().admission(), request.headers());
    }

    /** The picker's order of a pool's endpoints for this request. */
    private List<Upstream> poolOrder(BackendRef ref) {
        var runtime = gateway.config();
        PoolRuntime pool = runtime.pools().get(ref.pool().name());
        if (pool == null) {
            return ref.backend().upstreams();
        }
        PoolAdmission poolAdmission = admission.pool(ref.pool().name());
        int priority = admission.priority(poolAdmission);
        if (!admission.admits(ref.pool(), poolAdmission, priority)) {
            return List.of(); // no attempts at this pool; RequestAdmission knows why
        }
        String rewrite = ref.trust().honorModelRewrite() ? request.headers().get(HeaderNames.MODEL_REWRITE) : null;
        String model = PoolModels.target(info.model(), ref, rewrite, ThreadLocalRandom.current());
        // the prompt's JSON (messages, prompt or input) from the body, as the reference EPP hashes it; bytes as
        // Latin-1 chars: hashing needs equality, not decoding, and only the first blocks are hashed anyway
        int from = (int) Math.max(0, info.promptStart());
        ByteBuf bytes = body.content();
        CharSequence prompt = bytes.toString(from, Math.min(bytes.readableBytes() - from, PROMPT_PREFIX_BYTES),
                StandardCharsets.ISO_8859_1);
        long promptTokens = Math.max(0, bytes.readableBytes() - from) / PickRequest.CHARS_PER_TOKEN;
        PoolRuntime.Order order = pool.order(poolPicks.remember(ref,
                PickRequest.of(model, prompt, promptTokens, lowerCaseHeaders(), priority), pool));
        if (order.whyNone() != null) {
            admission.noCandidates(ref.pool(), poolAdmission, order.whyNone());
        }
        return order.upstreams();
    }

    /** The request's headers by lower-case name (the first value of each), as plugins read them. */
    private Map<String, String> lowerCaseHeaders() {
        Map<String, String> out = new HashMap<>(request.headers().size() * 2);
        for (Map.Entry<String, String> h : request.headers()) {
            out.putIfAbsent(h.getKey().toLowerCase(Locale.ROOT), h.getValue());
        }
        return out;
    }

    void start() {
        deadline = ctx.executor().schedule(this::requestTimedOut, rule.requestTimeout().toNanos(), TimeUnit.NANOSECONDS);
        PoolAdmission gate = admission.flowGate(rule);
        if (gate == null) {
            beginAttempts();
            return;
        }
        admission.queue(gate, info.bodyBytes(), new FlowController.Listener() {
            @Override
            public void dispatched() {
                onLoop(() -> {
                    if (!done) {
                        beginAttempts();
                    }
                });
            }

            @Override
            public void rejected(Rejection why) {
                onLoop(() -> {
                    if (!done) {
                        admission.rejectedByQueue(gate, why);
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
        plan = AttemptPlan.of(rule, gateway.outliers(), ThreadLocalRandom.current(), this::poolOrder);
        if (plan.all().isEmpty() && admission.rejection() != null) {
            rejectByAdmission();
            return;
        }
        nextAttempt();
    }

    /** Answers with the admission's 429/503 (Retry-After, dropped reason); nothing was sent anywhere. */
    private void rejectByAdmission() {
        var rejection = admission.error();
        status = rejection.status();
        error = rejection.message();
        PoolAdmission pool = admission.rejectedBy();
        gateway.metrics().dropped(pool == null ? "" : pool.name(), admission.rejection().reason);
        ErrorResponses.send(ctx, rejection, info.requestId(), info.keepAlive(), admission.headers());
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
        Future<UpstreamConnection> f = gateway.pool().acquire(ctx.channel().eventLoop(), attempt.upstream());
        pooledConnection = f.isDone();
        if (f.isDone()) {
            connected(f);
        } else {
            f.addListener(x -> connected(f));
        }
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
                    attempt, info.model(), poolPicks.upstreamModel(attempt, info.model()), info.requestId());
        } catch (RuntimeException e) { // a header value that slipped past validation: answer, never hang
            gateway.pool().release(f.getNow(), true);
            fail(500, "The gateway could not build the request to backend '" + attempt.ref().backend().name()
                    + "': " + e.getMessage());
            return;
        }
        connection = f.getNow();
        connection.attach(this);
        poolAttemptStarted();
        if (pooledConnection && plan.made() == 1) {
            gateway.metrics().overhead(System.nanoTime() - info.readyNanos());
        }
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
        if (firstByteNanos < 0 && content.content().isReadable()) {
            firstByteNanos = System.nanoTime();
            if (poolLease != null) {
                poolLease.firstToken();
            }
        }
        if (usageTail != null && content.content().isReadable()) {
            usageTail.add(content.content().nioBuffer());
        }
        ctx.write(content);
        if (content instanceof LastHttpContent) {
            ctx.flush();
            finish(upstreamKeepAlive);
        } else {
            unflushed = true;
        }
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
        usageTail = status == 200 ? new UsageTail(HttpUtil.getContentLength(head, -1L)) : null;
        upstreamKeepAlive = HttpUtil.isKeepAlive(head);
        // the upstream's head goes on to the client as it is, its hop-by-hop headers replaced by the client's own
        HttpHeaders out = head.headers();
        out.remove(HttpHeaderNames.CONNECTION).remove("keep-alive").remove("proxy-connection");
        if (poolLease != null && !request.headers().contains(HeaderNames.ENDPOINT_LOAD_METRICS_FORMAT)) {
            out.remove(HeaderNames.ENDPOINT_LOAD_METRICS); // the gateway asked for it, not the client
        }
        out.set(HeaderNames.REQUEST_ID, info.requestId());
        out.set(HeaderNames.BACKEND, attempt.ref().backend().name());
        poolPicks.addResponseHeaders(attempt, out);
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
            abort("backend '" + attempt.ref().backend().name() + "' " + what + " mid-response");
            return;
        }
        attemptFailed(what);
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
        ErrorResponses.send(ctx, ApiError.serverError(code, message), info.requestId(), info.keepAlive());
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
            poolAttemptEnded();
        }
        end(true);
    }

    private void end(boolean complete) {
        done = true;
        admission.cancel(); // still queued (timeout, client gone): leave the queue; nothing went upstream
        if (deadline != null) {
            deadline.cancel(false);
        }
        if (idle != null) {
            idle.stop();
        }
        body.release();
        long now = System.nanoTime();
        long firstByte = firstByteNanos < 0 ? -1 : firstByteNanos - info.startNanos();
        UsageTail.Usage usage = complete && usageTail != null ? usageTail.usage() : null;
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
        poolLease = poolPicks.started(attempt);
        if (poolLease != null) {
            attemptAdmission = admission.pool(attempt.ref().pool().name());
        }
    }

    private void poolAttemptEnded() {
        if (poolLease != null) {
            poolLease.close();
            poolLease = null;
            if (attemptAdmission != null) {
                attemptAdmission.requestEnded(); // its capacity may go to a queued request
                attemptAdmission = null;
            }
        }
    }

    private static String describe(Throwable t) {
        String m = t.getMessage();
        return t.getClass().getSimpleName() + (m == null ? "" : ": " + m);
    }
}
