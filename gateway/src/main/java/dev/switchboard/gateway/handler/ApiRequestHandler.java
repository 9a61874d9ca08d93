package dev.switchboard.gateway.handler;

import dev.switchboard.core.config.ApiSchema;
import dev.switchboard.core.config.ListenerSettings;
import dev.switchboard.core.config.RouteRule;
import dev.switchboard.core.error.ApiError;
import dev.switchboard.core.http.HeaderNames;
import dev.switchboard.core.http.HeaderValues;
import dev.switchboard.core.model.RequestScanner;
import dev.switchboard.gateway.server.GatewayContext;
import dev.switchboard.gateway.server.RuntimeConfig;
import dev.switchboard.policy.Principal;
import dev.switchboard.policy.auth.AuthResult;
import dev.switchboard.policy.auth.ClientCredentials;
import dev.switchboard.policy.governance.RequestGovernance;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * The gateway's request handler, last in a client connection's (or HTTP/2 stream's) pipeline, after the HTTP codec.
 * Reads one request: identifies the API by path, feeds body pieces to a {@link RequestScanner} as they arrive while
 * copying them into a {@link RequestBody} (kept for retries), enforces the body limit, the buffer budget and
 * {@code requestReceivedTimeout}, then routes and hands the request to a {@link ProxyExchange}. Writes these
 * responses itself, in the OpenAI error shape: 400 (bad JSON, no model), 404 (unknown path, {@code model_not_found}),
 * 405, 408 and 413 and 503 (then closes), and {@code GET /v1/models}. Per connection (or stream), not sharable.
 * The connection keeps reading while an exchange is in flight; on HTTP/1.1 a {@link PipeliningHandler} before it
 * holds back the next request until the response has ended.
 */
public final class ApiRequestHandler extends ChannelInboundHandlerAdapter {
    /**
     * After refusing a request before its end, how long to keep reading (and dropping) what the client still sends
     * before closing: closing with unread data makes the kernel send a reset, which can destroy the answer before
     * the client reads it (nginx's lingering_close, for the same reason).
     */
    static final long LINGER_MILLIS = 2000;
    /** Bytes dropped while lingering, in multiples of the body limit, before closing anyway. */
    static final int LINGER_MAX_BODIES = 8;
    /** Retry-After for answers that say the gateway is busy for a moment. */
    private static final Map<String, String> RETRY_SOON = Map.of(HttpHeaderNames.RETRY_AFTER.toString(), "1");

    private final GatewayContext gateway;
    private final RequestBuffers buffers;

    private HttpRequest request;
    private Api api;
    /** The API with the model its path names (Gemini's); null for an unknown path. */
    private Api.Target target;
    /** The shape of this request's errors: its API's, or for an unknown path the one its prefix suggests. */
    private ApiSchema.Family shape = ApiSchema.Family.OPENAI;
    private String requestId;
    private long startNanos;
    /** Body bytes the request has sent so far (for the access log of an answer given before its end). */
    private long receivedBytes;
    private RequestScanner scanner;
    private RequestBody body;
    /** The request's requestReceivedTimeout, until its last byte arrives. */
    private ScheduledFuture<?> receiveDeadline;
    /** An error decided before the body ended; answered at its end (the rest of the body is discarded). */
    private ApiError pending;
    private boolean discarding;
    /** An answer went out before the request's end; the rest is dropped and the connection closes at its end. */
    private boolean lingering;
    private long lingeredBytes;
    private ProxyExchange exchange;
    /** The configuration the request arrived under: read once, at its head, and used to its end. */
    private RuntimeConfig runtime;
    /** Who sent the request (anonymous when the configuration authenticates no one). */
    private Principal principal = Principal.ANONYMOUS;

    /** {@code buffers}: the budget this connection's request bodies draw on. */
    public ApiRequestHandler(GatewayContext gateway, RequestBuffers buffers) {
        this.gateway = gateway;
        this.buffers = buffers;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (lingering) {
                linger(ctx, msg);
                return;
            }
            if (msg instanceof HttpRequest req) {
                begin(ctx, req);
            }
            if (msg instanceof HttpContent content) {
                receivedBytes += content.content().readableBytes();
            }
            if (msg instanceof HttpContent content && !discarding) {
                append(ctx, content);
            }
            if (msg instanceof LastHttpContent && request != null) {
                complete(ctx);
            }
        } finally {
            ReferenceCountUtil.release(msg); // what the body keeps, it copied
        }
    }

    private void begin(ChannelHandlerContext ctx, HttpRequest req) {
        request = req;
        startNanos = System.nanoTime();
        receivedBytes = 0;
        pending = null;
        discarding = false;
        api = null; // a head the decoder refused is logged with nothing of the request before it
        principal = Principal.ANONYMOUS;
        String id = req.headers().get(HeaderNames.REQUEST_ID);
        requestId = id != null && !id.isBlank() && id.length() <= 128 ? id : newRequestId();
        ListenerSettings listener = gateway.listener();
        if (!req.decoderResult().isSuccess()) {
            reject(ctx, RequestErrors.malformed(req.decoderResult().cause()), Map.of());
            return;
        }
        String path = req.uri();
        int q = path.indexOf('?');
        String bare = q < 0 ? path : path.substring(0, q);
        target = Api.of(bare);
        api = target == null ? null : target.api();
        shape = api == null ? Api.familyOf(bare) : api.family();
        if (api == null) {
            pending = RequestErrors.unknownPath(bare);
        } else if (!api.method.equals(req.method())) {
            pending = RequestErrors.methodNotAllowed(req.method(), api);
        }
        runtime = gateway.config();
        principal = Principal.ANONYMOUS;
        if (pending == null && runtime.policies().authenticates()) {
            // before the body is read: a request without a valid credential costs no buffer and no parse
            AuthResult who = runtime.policies().authenticator().authenticate(
                    new ClientCredentials(req.headers()::getAll, q < 0 ? null : path.substring(q + 1)));
            if (who instanceof AuthResult.Denied d) {
                reject(ctx, RequestErrors.denied(d.status(), d.message(), d.code()), d.headers());
                return;
            }
            principal = ((AuthResult.Authenticated) who).principal();
        }
        discarding = pending != null || api == Api.MODELS;
        long declared = HttpUtil.getContentLength(req, -1L);
        if (declared > listener.maxBodyBytes()) {
            reject(ctx, RequestErrors.tooLarge(listener.maxBodyBytes()), Map.of());
            return;
        }
        if (!discarding) {
            scanner = new RequestScanner();
            body = new RequestBody(ctx.alloc(), buffers, listener.maxBodyBytes(), declared);
        }
    }

    /**
     * A random (version 4) UUID: unique without the JDK's {@code UUID.randomUUID()}, whose SecureRandom is shared by
     * every thread and costs a lock and microseconds per call; a request id needs no cryptographic strength.
     */
    private static String newRequestId() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        return new UUID(r.nextLong() & ~0xF000L | 0x4000L, r.nextLong() & ~(3L << 62) | (1L << 63)).toString();
    }

    private void append(ChannelHandlerContext ctx, HttpContent content) {
        var bytes = content.content();
        if (!bytes.isReadable()) {
            return;
        }
        RequestBody.Refusal refused = body.append(bytes);
        if (refused == RequestBody.Refusal.TOO_LARGE) {
            reject(ctx, RequestErrors.tooLarge(gateway.listener().maxBodyBytes()), Map.of());
            return;
        }
        if (refused == RequestBody.Refusal.NO_BUDGET) {
            reject(ctx, RequestErrors.noBufferSpace(buffers), RETRY_SOON);
            return;
        }
        try {
            scanner.feed(bytes.nioBuffer());
        } catch (IOException e) {
            pending = RequestErrors.notJson(e.getMessage());
            dropBody();
            discarding = true;
        }
    }

    private void complete(ChannelHandlerContext ctx) {
        cancelReceiveDeadline();
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        HttpRequest req = request;
        request = null;
        if (pending != null) {
            refuse(ctx, pending, null, keepAlive);
            return;
        }
        RuntimeConfig config = runtime;
        if (api == Api.MODELS) {
            ErrorResponses.send(ctx, HttpResponseStatus.OK, ModelList.json(config.router().catalog(),
                    ModelList.shapeFor(req.uri(), req.headers())), HttpHeaderValues.APPLICATION_JSON, requestId, keepAlive);
            return;
        }
        ApiError invalid = validate();
        if (invalid != null) {
            dropBody();
            refuse(ctx, invalid, null, keepAlive);
            return;
        }
        String model = target.pathModel() != null ? target.pathModel() : scanner.model();
        RouteRule rule = config.router().route(name -> HeaderNames.MODEL.equals(name) ? model : req.headers().get(name));
        if (rule == null) {
            dropBody();
            refuse(ctx, RequestErrors.noRoute(model), model, keepAlive);
            return;
        }
        if (!principal.mayUse(model, rule.name())) {
            dropBody();
            refuse(ctx, RequestErrors.denied(403, "This key may not use model '" + model + "'"
                    + (rule.name() == null ? "" : " through route '" + rule.name() + "'") + "; ask for a key that"
                    + " lists it, or use one of the key's models.", "model_not_allowed"), model, keepAlive);
            return;
        }
        boolean stream = api == Api.GEMINI_STREAM_GENERATE || api.family() != ApiSchema.Family.GEMINI && scanner.stream();
        RequestInfo info = new RequestInfo(requestId, api.path, model, stream, scanner.modelStart(),
                scanner.modelEnd(), scanner.promptStart(), keepAlive, startNanos, System.nanoTime(), body.size(), principal);
        scanner = null; // not kept for the length of a stream
        RequestBody owned = body;
        body = null;
        RequestGovernance governance = RequestGovernance.of(config.policies(), rule, api.client, principal, model, stream);
        if (governance == null) {
            startExchange(ctx, config, req, owned, info, rule, null);
            return;
        }
        // guardrails and limits may wait on a service (a callout, Redis): the rest happens back on this loop
        governance.admit(ByteBufUtil.getBytes(owned.content()), api.client).whenComplete((decision, e) -> onLoop(ctx, () ->
                admitted(ctx, config, req, owned, info, rule, governance, decision)));
    }

    /** The governance steps decided: refuse, or start the exchange (with the body they rewrote, if they did). */
    private void admitted(ChannelHandlerContext ctx, RuntimeConfig config, HttpRequest req, RequestBody owned,
            RequestInfo info, RouteRule rule, RequestGovernance governance, RequestGovernance.Decision decision) {
        if (!ctx.channel().isActive()) { // the client left while the steps ran
            owned.release();
            governance.settle(null, false, false);
            return;
        }
        if (decision instanceof RequestGovernance.Refuse refuse) {
            owned.release();
            governance.settle(null, false, false);
            long took = System.nanoTime() - info.startNanos();
            gateway.metrics().refused(refuse.error().code());
            gateway.metrics().request(info, null, refuse.error().status(), took, -1, null);
            gateway.accessLog().log(info, null, refuse.error().status(), 0, took, -1, null, false, refuse.audit());
            ErrorResponses.send(ctx, shape, refuse.error(), info.requestId(), info.keepAlive(), refuse.headers());
            return;
        }
        byte[] edited = ((RequestGovernance.Go) decision).body();
        if (edited == null) {
            startExchange(ctx, config, req, owned, info, rule, governance);
            return;
        }
        owned.release();
        RequestBody rewritten = new RequestBody(ctx.alloc(), buffers, Math.max(edited.length,
                gateway.listener().maxBodyBytes()), edited.length);
        RequestScanner rescan = new RequestScanner();
        try {
            if (rewritten.append(Unpooled.wrappedBuffer(edited)) != null) {
                rewritten.release();
                governance.settle(null, false, false);
                ErrorResponses.send(ctx, shape, RequestErrors.noBufferSpace(buffers), info.requestId(),
                        info.keepAlive(), RETRY_SOON);
                return;
            }
            rescan.feed(ByteBuffer.wrap(edited));
            rescan.end();
        } catch (IOException e) { // the gateway wrote it: cannot happen
            throw new IllegalStateException(e);
        }
        RequestInfo moved = new RequestInfo(info.requestId(), info.api(), info.model(), info.stream(),
                rescan.modelStart(), rescan.modelEnd(), rescan.promptStart(), info.keepAlive(), info.startNanos(),
                info.readyNanos(), edited.length, info.principal());
        startExchange(ctx, config, req, rewritten, moved, rule, governance);
    }

    private void startExchange(ChannelHandlerContext ctx, RuntimeConfig config, HttpRequest req, RequestBody owned,
            RequestInfo info, RouteRule rule, RequestGovernance governance) {
        // the connection goes on reading while the exchange runs (switching reads off and on again cost two
        // epoll_ctl calls per request): what a client pipelines behind the request waits in the PipeliningHandler,
        // which bounds it, and a client that hangs up ends the exchange
        gateway.inFlight().incrementAndGet();
        exchange = new ProxyExchange(ctx, gateway, config, req, owned, info, target, rule, governance, () -> {
            gateway.inFlight().decrementAndGet();
            exchange = null;
        });
        exchange.start();
    }

    private static void onLoop(ChannelHandlerContext ctx, Runnable task) {
        if (ctx.executor().inEventLoop()) {
            task.run();
        } else {
            try {
                ctx.executor().execute(task);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                // the gateway is shutting down and this connection with it
            }
        }
    }

    private ApiError validate() {
        try {
            scanner.end();
        } catch (IOException e) {
            return RequestErrors.notJson(e.getMessage());
        }
        String model = target.pathModel();
        if (model == null) {
            String problem = scanner.modelProblem();
            if (problem != null) {
                return RequestErrors.badModel(problem);
            }
            model = scanner.model();
        }
        String notHeader = HeaderValues.describeInvalidValue(model);
        if (notHeader != null) { // it is sent upstream as x-ai-eg-model
            return RequestErrors.modelNotAHeaderValue(notHeader);
        }
        return scanner.streamInvalid() ? RequestErrors.badStream() : null;
    }

    /** requestReceivedTimeout ran out before the request's last byte: 408, and the connection closes. */
    private void receivedTooSlowly(ChannelHandlerContext ctx) {
        receiveDeadline = null;
        if (request != null && !lingering) {
            reject(ctx, RequestErrors.receivedTooSlowly(gateway.listener().client()
                    .requestReceivedTimeout()), Map.of());
        }
    }

    /**
     * Answers now and closes the connection once the client has sent the rest of the request (or after
     * {@link #LINGER_MILLIS}), which is dropped unread.
     */
    private void reject(ChannelHandlerContext ctx, ApiError error, Map<String, String> headers) {
        logRefused(error, null, false);
        cancelReceiveDeadline();
        dropBody();
        discarding = true;
        request = null;
        lingering = true;
        ErrorResponses.sendThenLinger(ctx, shape, error, requestId, headers);
        ctx.executor().schedule(() -> {
            ctx.close();
        }, LINGER_MILLIS, TimeUnit.MILLISECONDS);
    }

    /** Answers the whole request with {@code error}, before any attempt; {@code model} when it is known. */
    private void refuse(ChannelHandlerContext ctx, ApiError error, String model, boolean keepAlive) {
        logRefused(error, model, keepAlive);
        ErrorResponses.send(ctx, shape, error, requestId, keepAlive);
    }

    /**
     * An answer the gateway gave itself before any attempt gets its access-log line too (a scan for refused keys
     * reads the log), with the error's code, never its message, which may quote the client's body. A refused
     * credential or permission is also counted among the refusals.
     */
    private void logRefused(ApiError error, String model, boolean keepAlive) {
        long now = System.nanoTime();
        if (error.status() == 401 || error.status() == 403) {
            gateway.metrics().refused(error.code());
        }
        RequestInfo info = new RequestInfo(requestId, api == null ? null : api.path, model, false, -1, -1, -1,
                keepAlive, startNanos, now, receivedBytes, principal);
        gateway.accessLog().log(info, null, error.status(), 0, now - startNanos, -1, null, false,
                error.code() != null ? error.code() : error.type());
    }

    private void linger(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HttpContent c) {
            lingeredBytes += c.content().readableBytes();
        }
        if (msg instanceof LastHttpContent
                || lingeredBytes > (long) LINGER_MAX_BODIES * gateway.listener().maxBodyBytes()) {
            ctx.close();
        }
    }

    private void cancelReceiveDeadline() {
        if (receiveDeadline != null) {
            receiveDeadline.cancel(false);
            receiveDeadline = null;
        }
    }

    private void dropBody() {
        if (body != null) {
            body.release();
            body = null;
        }
    }

    /**
     * A read ended with a request still arriving: from now on requestReceivedTimeout (counted from its head) runs.
     * A request that arrives whole in one read, the usual case, never schedules it.
     */
    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (request != null && receiveDeadline == null && !lingering) {
            long left = gateway.listener().client().requestReceivedTimeout().toNanos() - (System.nanoTime() - startNanos);
            receiveDeadline = ctx.executor().schedule(() -> receivedTooSlowly(ctx), Math.max(0, left),
                    TimeUnit.NANOSECONDS);
        }
        ctx.fireChannelReadComplete();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (exchange != null) {
            exchange.onWritable();
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        cancelReceiveDeadline();
        dropBody();
        if (exchange != null) {
            exchange.abort("the client closed the connection");
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close(); // I/O errors on the client connection (reset by peer): nothing left to answer
    }
}
