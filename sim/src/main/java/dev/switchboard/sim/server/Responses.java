package dev.switchboard.sim.server;

import dev.switchboard.core.error.ApiError;
import dev.switchboard.core.http.HeaderNames;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.socket.SocketChannelConfig;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;

/** Writing whole responses; every one names the endpoint that served it. */
final class Responses {
    private Responses() {}

    /** Sends {@code body} (ownership moves to the channel) and closes the connection unless kept alive. */
    static void send(ChannelHandlerContext ctx, SimEndpoint endpoint, HttpResponseStatus status, CharSequence contentType,
            ByteBuf body, boolean keepAlive) {
        FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, body);
        if (contentType != null) {
            res.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType);
        }
        endpoint.identify(res.headers(), ctx.channel());
        send(ctx, res, keepAlive);
    }

    static void send(ChannelHandlerContext ctx, FullHttpResponse res, boolean keepAlive) {
        HttpUtil.setContentLength(res, res.content().readableBytes());
        HttpUtil.setKeepAlive(res, keepAlive);
        var future = ctx.writeAndFlush(res);
        if (!keepAlive) {
            future.addListener(ChannelFutureListener.CLOSE);
        }
    }

    /** Names the endpoint on a generation's response and adds the ORCA load report when the request asked for one. */
    static void decorate(ChannelHandlerContext ctx, SimEndpoint endpoint, HttpResponse res, String orcaFormat) {
        endpoint.identify(res.headers(), ctx.channel());
        String report = endpoint.orcaReport(orcaFormat);
        if (report != null) {
            res.headers().set(HeaderNames.ENDPOINT_LOAD_METRICS, report);
        }
    }

    static void error(ChannelHandlerContext ctx, SimEndpoint endpoint, ApiError error, boolean keepAlive) {
        send(ctx, endpoint, HttpResponseStatus.valueOf(error.status()), HttpHeaderValues.APPLICATION_JSON,
                Unpooled.wrappedBuffer(error.toJson()), keepAlive);
    }

    /** Closes the connection with a TCP reset instead of a FIN: what a crashing server looks like to a client. */
    static void reset(ChannelHandlerContext ctx) {
        if (ctx.channel().config() instanceof SocketChannelConfig config) {
            config.setSoLinger(0);
        }
        ctx.close();
    }
}
