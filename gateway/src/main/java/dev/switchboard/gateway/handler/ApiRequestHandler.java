package dev.switchboard.gateway.handler;

import dev.switchboard.core.config.RouteRule;
import dev.switchboard.core.error.ApiError;
import dev.switchboard.core.http.HeaderNames;
import dev.switchboard.core.model.RequestScanner;
import dev.switchboard.gateway.server.GatewayContext;
import dev.switchboard.gateway.server.RuntimeConfig;
import io.netty.buffer.CompositeByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * The gateway's request handler, last in a client connection's (or HTTP/2 stream's) pipeline, after the HTTP codec.
 * Reads one request: identifies the API by path, feeds body chunks to a {@link RequestScanner} as they arrive while
 * keeping them (for retries), enforces the body limit, then routes and hands the request to a {@link ProxyExchange}.
 * Writes these responses itself, in the OpenAI error shape: 400 (bad JSON, no model), 404 (unknown path,
 * {@code model_not_found}), 405, 413 (then closes), and {@code GET /v1/models}. Per connection, not sharable.
 * Reading pauses while an exchange is in flight (one request at a time per HTTP/1.1 connection).
 */
public final class ApiRequestHandler extends ChannelInboundHandlerAdapter {
    /**
     * After refusing a body that is too large, how long to keep reading (and dropping) what the client still sends
     * before closing: closing with unread data makes the kernel send a reset, which can destroy the 413 before the
     * client reads it (nginx's lingering_close, for the same reason).
     */
    static final long LINGER_MILLIS = 2000;
    /** Bytes dropped while lingering, in multiples of the body limit, before closing anyway. */
    static final int LINGER_MAX_BODIES = 8;

    private final GatewayContext gateway;

    private HttpRequest request;
    private Api api;
    private String requestId;
    private long startNanos;
    private RequestScanner scanner;
    private CompositeByteBuf body;
    /** An error decided before the body ended; answered at its end (the rest of the body is discarded). */
    private ApiError pending;
    private boolean discarding;
    /** A 413 went out; the rest of the request is dropped and the connection closes at its end. */
    private boolean lingering;
    private long lingeredBytes;
    private ProxyExchange exchange;

    public ApiRequestHandler(GatewayContext gateway) {
        this.gateway = gateway;
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
            if (msg instanceof HttpContent content && !discarding) {
                append(ctx, content);
            }
            if (msg instanceof LastHttpContent && request != null) {
                complete(ctx);
            }
        } finally {
            ReferenceCountUtil.release(msg); // body chunks kept in `body` were retained
        }
    }

    private void begin(ChannelHandlerContext ctx, HttpRequest req) {
        request = req;
        startNanos = System.nanoTime();
        pending = null;
        discarding = false;
        String id = req.headers().get(HeaderNames.REQUEST_ID);
        requestId = id != null && !id.isBlank() && id.length() <= 128 ? id : UUID.randomUUID().toString();
        if (!req.decoderResult().isSuccess()) {
            reject(ctx, ApiError.badRequest("Malformed HTTP request: " + req.decoderResult().cause().getMessage(), null));
            return;
        }
        String path = req.uri();
        int q = path.indexOf('?');
        api = Api.of(q < 0 ? path : path.substring(0, q));
        if (api == null) {
            pending = ApiError.notFound("Unknown path " + (q < 0 ? path : path.substring(0, q))
                    + "; Switchboard serves /v1/chat/completions, /v1/completions, /v1/embeddings, /v1/responses and"
                    + " GET /v1/models.", "unknown_url");
        } else if (!api.method.equals(req.method())) {
            pending = new ApiError(405, ApiError.INVALID_REQUEST, "Method " + req.method() + " is not allowed on "
                    + api.path + "; use " + api.method + ".", null, "method_not_allowed");
        }
        discarding = pending != null || api == Api.MODELS;
        int max = gateway.config().config().listener().maxBodyBytes();
        if (HttpUtil.getContentLength(req, -1L) > max) {
            reject(ctx, tooLarge(max));
            return;
        }
        if (!discarding) {
            scanner = new RequestScanner();
            body = ctx.alloc().compositeBuffer(Integer.MAX_VALUE);
        }
    }

    private void append(ChannelHandlerContext ctx, HttpContent content) {
        var bytes = content.content();
        if (!bytes.isReadable()) {
            return;
        }
        int max = gateway.config().config().listener().maxBodyBytes();
        if (body.readableBytes() + (long) bytes.readableBytes() > max) {
            reject(ctx, tooLarge(max));
            return;
        }
        try {
            scanner.feed(bytes.nioBuffer());
        } catch (IOException e) {
            pending = ApiError.badRequest("The request body is not valid JSON: " + e.getMessage(), null);
            dropBody();
            discarding = true;
            return;
        }
        body.addComponent(true, bytes.retain());
    }

    private void complete(ChannelHandlerContext ctx) {
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        HttpRequest req = request;
        request = null;
        if (pending != null) {
            ErrorResponses.send(ctx, pending, requestId, keepAlive);
            return;
        }
        RuntimeConfig config = gateway.config();
        if (api == Api.MODELS) {
            ErrorResponses.send(ctx, HttpResponseStatus.OK, ModelList.json(config.router().models()),
                    HttpHeaderValues.APPLICATION_JSON, requestId, keepAlive);
            return;
        }
        ApiError invalid = validate();
        if (invalid != null) {
            dropBody();
            ErrorResponses.send(ctx, invalid, requestId, keepAlive);
            return;
        }
        String model = scanner.model();
        RouteRule rule = config.router().route(name -> HeaderNames.MODEL.equals(name) ? model : req.headers().get(name));
        if (rule == null) {
            dropBody();
            ErrorResponses.send(ctx, new ApiError(404, ApiError.NOT_FOUND, "The model `" + model
                    + "` does not exist or no route serves it; GET /v1/models lists the models this gateway serves.",
                    "model", "model_not_found"), requestId, keepAlive);
            return;
        }
        RequestInfo info = new RequestInfo(requestId, api.path, model, scanner.stream(), scanner.modelStart(),
                scanner.modelEnd(), scanner.promptStart(), keepAlive, startNanos, System.nanoTime(), body.readableBytes());
        CompositeByteBuf owned = body;
        body = null;
        ctx.channel().config().setAutoRead(false);
        gateway.inFlight().incrementAndGet();
        exchange = new ProxyExchange(ctx, gateway, req, owned, info, rule, () -> {
            gateway.inFlight().decrementAndGet();
            exchange = null;
            if (keepAlive && ctx.channel().isActive()) {
                ctx.channel().config().setAutoRead(true);
            }
        });
        exchange.start();
    }

    private ApiError validate() {
        try {
            scanner.end();
        } catch (IOException e) {
            return ApiError.badRequest("The request body is not valid JSON: " + e.getMessage(), null);
        }
        String problem = scanner.modelProblem();
        if (problem != null) {
            return ApiError.badRequest("The request body's 'model' is " + problem
                    + "; every request names the model to use, e.g. \"model\": \"gpt-4o-mini\".", "model");
        }
        if (scanner.streamInvalid()) {
            return ApiError.badRequest("'stream' must be true or false.", "stream");
        }
        return null;
    }

    private static ApiError tooLarge(int max) {
        return new ApiError(413, ApiError.INVALID_REQUEST, "The request body is larger than this gateway's limit of "
                + max + " bytes.", null, "request_too_large");
    }

    /**
     * Answers now and closes the connection once the client has sent the rest of the request (or after
     * {@link #LINGER_MILLIS}), which is dropped unread.
     */
    private void reject(ChannelHandlerContext ctx, ApiError error) {
        dropBody();
        discarding = true;
        request = null;
        lingering = true;
        ErrorResponses.sendThenLinger(ctx, error, requestId);
        ctx.executor().schedule(() -> {
            ctx.close();
        }, LINGER_MILLIS, TimeUnit.MILLISECONDS);
    }

    private void linger(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HttpContent c) {
            lingeredBytes += c.content().readableBytes();
        }
        if (msg instanceof LastHttpContent
                || lingeredBytes > (long) LINGER_MAX_BODIES * gateway.config().config().listener().maxBodyBytes()) {
            ctx.close();
        }
    }

    private void dropBody() {
        if (body != null) {
            body.release();
            body = null;
        }
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
