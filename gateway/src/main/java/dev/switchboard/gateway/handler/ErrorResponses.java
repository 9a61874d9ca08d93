package dev.switchboard.gateway.handler;

import dev.switchboard.core.config.ApiSchema;
import dev.switchboard.core.error.ApiError;
import dev.switchboard.providers.ClientErrors;
import dev.switchboard.core.http.HeaderNames;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.util.Map;

/** Responses the gateway writes itself; errors in the error shape of the client's API. */
final class ErrorResponses {
    private ErrorResponses() {}

    static void send(ChannelHandlerContext ctx, ApiSchema.Family shape, ApiError error, String requestId,
            boolean keepAlive) {
        send(ctx, HttpResponseStatus.valueOf(error.status()), body(shape, error), HttpHeaderValues.APPLICATION_JSON,
                requestId, keepAlive);
    }

    /** Sends {@code error} with {@code headers} added (e.g. {@code Retry-After}). */
    static void send(ChannelHandlerContext ctx, ApiSchema.Family shape, ApiError error, String requestId,
            boolean keepAlive, Map<String, String> headers) {
        FullHttpResponse res = response(HttpResponseStatus.valueOf(error.status()), body(shape, error),
                HttpHeaderValues.APPLICATION_JSON, requestId, keepAlive);
        headers.forEach(res.headers()::set);
        var f = ctx.writeAndFlush(res);
        if (!keepAlive) {
            f.addListener(ChannelFutureListener.CLOSE);
        }
    }

    static void send(ChannelHandlerContext ctx, HttpResponseStatus status, byte[] body, CharSequence contentType,
            String requestId, boolean keepAlive) {
        send(ctx, status, body, contentType, requestId, keepAlive, Map.of());
    }

    /** The same, with {@code headers} added. */
    static void send(ChannelHandlerContext ctx, HttpResponseStatus status, byte[] body, CharSequence contentType,
            String requestId, boolean keepAlive, Map<String, String> headers) {
        FullHttpResponse res = response(status, body, contentType, requestId, keepAlive);
        headers.forEach(res.headers()::set);
        var f = ctx.writeAndFlush(res);
        if (!keepAlive) {
            f.addListener(ChannelFutureListener.CLOSE);
        }
    }

    /**
     * Sends {@code error} with {@code Connection: close} but leaves closing to the caller, who lingers to read what
     * the client still sends. On HTTP/1.1 it is written from the keep-alive handler's position, so that handler
     * does not close the connection the moment the response is out.
     */
    static void sendThenLinger(ChannelHandlerContext ctx, ApiSchema.Family shape, ApiError error, String requestId,
            Map<String, String> headers) {
        ChannelHandlerContext below = ctx.pipeline().context(HttpServerKeepAliveHandler.class);
        FullHttpResponse res = response(HttpResponseStatus.valueOf(error.status()), body(shape, error),
                HttpHeaderValues.APPLICATION_JSON, requestId, false);
        headers.forEach(res.headers()::set);
        (below != null ? below : ctx).writeAndFlush(res);
    }

    static byte[] body(ApiSchema.Family shape, ApiError error) {
        return ClientErrors.body(shape, error);
    }

    private static FullHttpResponse response(HttpResponseStatus status, byte[] body, CharSequence contentType,
            String requestId, boolean keepAlive) {
        FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(body));
        res.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType);
        if (requestId != null) {
            res.headers().set(HeaderNames.REQUEST_ID, requestId);
        }
        HttpUtil.setContentLength(res, body.length);
        HttpUtil.setKeepAlive(res, keepAlive);
        return res;
    }
}
