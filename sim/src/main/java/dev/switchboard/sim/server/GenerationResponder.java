package dev.switchboard.sim.server;

import dev.switchboard.core.http.HeaderNames;
import dev.switchboard.sim.engine.SequenceListener;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;

/**
 * Turns one sequence's engine events into its HTTP response: SSE chunks as tokens come (flushed one by one), or
 * one JSON body at the end. Engine callbacks hop onto the channel's event loop; all writing happens there.
 */
final class GenerationResponder implements SequenceListener {
    private final ChannelHandlerContext ctx;
    private final SimEndpoint endpoint;
    private final ParsedRequest request;
    private final ResponseJson.Header header;
    private final String orcaFormat;
    private final boolean keepAlive;
    /** Token index after which the connection is reset (failure injection), or -1. */
    private final int resetAfterToken;
    private final Runnable onDone;
    private final StringBuilder text;
    private boolean headersSent;

    GenerationResponder(ChannelHandlerContext ctx, SimEndpoint endpoint, ParsedRequest request, String orcaFormat,
            boolean keepAlive, int resetAfterToken, Runnable onDone) {
        this.ctx = ctx;
        this.endpoint = endpoint;
        this.request = request;
        this.orcaFormat = orcaFormat;
        this.keepAlive = keepAlive;
        this.resetAfterToken = resetAfterToken;
        this.onDone = onDone;
        this.header = new ResponseJson.Header(request.api(), request.api().idPrefix + Long.toHexString(request.seed() ^ System.nanoTime()),
                System.currentTimeMillis() / 1000, request.model());
        this.text = request.stream() ? null : new StringBuilder(request.outputTokens() * 5);
    }

    @Override
    public void onToken(int index) {
        ctx.executor().execute(() -> token(index));
    }

    @Override
    public void onFinish(String reason, int promptTokens, int outputTokens, int cachedTokens) {
        ctx.executor().execute(() -> finish(reason, promptTokens, outputTokens, cachedTokens));
    }

    private void token(int index) {
        if (!ctx.channel().isActive()) {
            return;
        }
        String piece = TokenText.of(request.seed(), index);
        if (request.stream()) {
            if (!headersSent) {
                sendStreamHeaders();
            }
            write(ResponseJson.chunk(header, null, piece, null));
            ctx.flush();
        } else {
            text.append(piece);
        }
        if (index == resetAfterToken) {
            onDone.run();
            Responses.reset(ctx);
        }
    }

    private void finish(String reason, int promptTokens, int outputTokens, int cachedTokens) {
        if (!ctx.channel().isActive()) {
            return;
        }
        onDone.run();
        if (request.api() == Api.EMBEDDING) {
            ByteBuf body = ResponseJson.json(ctx.alloc(),
                    ResponseJson.embedding(request.model(), request.promptIds(), endpoint.embeddingDims, request.base64()));
            Responses.send(ctx, endpoint, HttpResponseStatus.OK, HttpHeaderValues.APPLICATION_JSON, body, keepAlive);
            return;
        }
        if (!request.stream()) {
            ByteBuf body = ResponseJson.json(ctx.alloc(),
                    ResponseJson.completion(header, text.toString(), reason, promptTokens, outputTokens, cachedTokens));
            var res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK, body);
            res.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON);
            decorate(res);
            Responses.send(ctx, res, keepAlive);
            return;
        }
        if (!headersSent) {
            sendStreamHeaders();
        }
        write(ResponseJson.chunk(header, null, null, reason));
        if (request.includeUsage()) {
            write(ResponseJson.usageChunk(header, promptTokens, outputTokens, cachedTokens));
        }
        ctx.write(new DefaultHttpContent(Unpooled.wrappedBuffer(ResponseJson.DONE)));
        var last = ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
        if (!keepAlive) {
            last.addListener(ChannelFutureListener.CLOSE);
        }
    }

    private void sendStreamHeaders() {
        headersSent = true;
        HttpResponse res = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        res.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/event-stream; charset=utf-8");
        res.headers().set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_CACHE);
        HttpUtil.setTransferEncodingChunked(res, true);
        HttpUtil.setKeepAlive(res, keepAlive);
        decorate(res);
        ctx.write(res);
        if (request.api() == Api.CHAT) {
            write(ResponseJson.chunk(header, "assistant", null, null));
        }
    }

    private void decorate(HttpResponse res) {
        endpoint.identify(res.headers(), ctx.channel());
        String report = endpoint.orcaReport(orcaFormat);
        if (report != null) {
            res.headers().set(HeaderNames.ENDPOINT_LOAD_METRICS, report);
        }
    }

    private void write(ResponseJson.Body body) {
        ctx.write(new DefaultHttpContent(ResponseJson.event(ctx.alloc(), body)));
    }
}
