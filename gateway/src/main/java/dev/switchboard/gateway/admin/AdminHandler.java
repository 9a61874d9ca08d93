package dev.switchboard.gateway.admin;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.util.function.BooleanSupplier;

/**
 * The admin listener's routes, after an HTTP codec and aggregator: {@code GET /metrics} (Prometheus text),
 * {@code /health} (the process is up) and {@code /ready} (200 while serving, 503 while draining). Stateless, sharable.
 */
@ChannelHandler.Sharable
public final class AdminHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private final GatewayMetrics metrics;
    private final BooleanSupplier ready;

    public AdminHandler(GatewayMetrics metrics, BooleanSupplier ready) {
        this.metrics = metrics;
        this.ready = ready;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
        String path = req.uri().split("\\?", 2)[0];
        switch (path) {
            case "/metrics" -> send(ctx, req, HttpResponseStatus.OK, "text/plain; version=0.0.4; charset=utf-8", metrics.scrape());
            case "/health" -> send(ctx, req, HttpResponseStatus.OK, "text/plain", "ok\n".getBytes(StandardCharsets.US_ASCII));
            case "/ready" -> send(ctx, req, ready.getAsBoolean() ? HttpResponseStatus.OK : HttpResponseStatus.SERVICE_UNAVAILABLE,
                    "text/plain", (ready.getAsBoolean() ? "ready\n" : "draining\n").getBytes(StandardCharsets.US_ASCII));
            default -> send(ctx, req, HttpResponseStatus.NOT_FOUND, "text/plain",
                    "admin serves /metrics, /health and /ready\n".getBytes(StandardCharsets.US_ASCII));
        }
    }

    private static void send(ChannelHandlerContext ctx, FullHttpRequest req, HttpResponseStatus status, String type, byte[] body) {
        var res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(body));
        res.headers().set(HttpHeaderNames.CONTENT_TYPE, type);
        HttpUtil.setContentLength(res, body.length);
        boolean keepAlive = HttpUtil.isKeepAlive(req);
        HttpUtil.setKeepAlive(res, keepAlive);
        var f = ctx.writeAndFlush(res);
        if (!keepAlive) {
            f.addListener(ChannelFutureListener.CLOSE);
        }
    }
}
