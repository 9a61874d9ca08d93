package dev.switchboard.sim.server;

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
 * The OpenAI (vLLM) response of a generation: SSE chunks as tokens come, or one JSON body at the end. Token chunks
 * are pre-rendered framing around the token's quoted word (no generator per token); the rest is {@link ResponseJson}.
 */
final class OpenAiResponseWriter implements ResponseWriter {
    private final ChannelHandlerContext ctx;
    private final SimEndpoint endpoint;
    private final ParsedRequest request;
    private final ResponseJson.Header header;
    private final String orcaFormat;
    private final boolean keepAlive;
    private final StringBuilder text;
    /** Pre-rendered token chunk framing (streams only): prefix + quoted word + suffix. */
    private final byte[] tokenPrefix;
    private final byte[] tokenSuffix;
    private boolean headersSent;

    OpenAiResponseWriter(ChannelHandlerContext ctx, SimEndpoint endpoint, ParsedRequest request, String orcaFormat,
            boolean keepAlive) {
        this.ctx = ctx;
        this.endpoint = endpoint;
        this.request = request;
        this.orcaFormat = orcaFormat;
        this.keepAlive = keepAlive;
        this.header = new ResponseJson.Header(request.api(), request.api().idPrefix + Long.toHexString(request.seed() ^ System.nanoTime()),
                System.currentTimeMillis() / 1000, request.model());
        this.text = request.stream() ? null : new StringBuilder(request.outputTokens() * 5);
        this.tokenPrefix = request.stream() ? ResponseJson.tokenPrefix(header) : null;
        this.tokenSuffix = ResponseJson.tokenSuffix(request.api());
    }

    @Override
    public void token(int index) {
        if (!request.stream()) {
            text.append(TokenText.of(request.seed(), index));
            return;
        }
        if (!headersSent) {
            sendStreamHeaders();
        }
        byte[] quoted = TokenText.quoted(request.seed(), index);
        ByteBuf chunk = ctx.alloc().buffer(tokenPrefix.length + quoted.length + tokenSuffix.length);
        chunk.writeBytes(tokenPrefix).writeBytes(quoted).writeBytes(tokenSuffix);
        ctx.write(new DefaultHttpContent(chunk));
    }

    @Override
    public void flush() {
        if (request.stream()) {
            ctx.flush();
        }
    }

    @Override
    public void finish(String reason, int promptTokens, int outputTokens, int cachedTokens) {
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
            Responses.decorate(ctx, endpoint, res, orcaFormat);
            Responses.send(ctx, res, keepAlive);
            return;
        }
        if (!headersSent) {
            sendStreamHeaders();
        }
        write(ResponseJson.chunk(header, null, reason));
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
        Responses.decorate(ctx, endpoint, res, orcaFormat);
        ctx.write(res);
        if (request.api() == Api.CHAT) {
            write(ResponseJson.chunk(header, "assistant", null));
        }
    }

    private void write(ResponseJson.Body body) {
        ctx.write(new DefaultHttpContent(ResponseJson.event(ctx.alloc(), body)));
    }
}
