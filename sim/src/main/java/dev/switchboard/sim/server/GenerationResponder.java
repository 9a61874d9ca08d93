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
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Turns one sequence's engine events into its HTTP response: SSE chunks as tokens come, or one JSON body at the
 * end. Engine callbacks hop onto the channel's event loop; all writing happens there.
 */
final class GenerationResponder implements SequenceListener {
    /*
     * Coalescing: the engine thread only records how many tokens exist and schedules one drain task if none is
     * pending; the drain writes every token produced so far and flushes once. When the event loop keeps up, that
     * is one chunk and one flush per token, as a model server sends them. When it falls behind (many streams, time
     * scale 0) tokens are batched into fewer flushes instead of piling up one task each.
     */
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
    /** Pre-rendered token chunk framing (streams only): prefix + quoted word + suffix. */
    private final byte[] tokenPrefix;
    private final byte[] tokenSuffix;
    /** Tokens generated so far; written by the engine thread. */
    private final AtomicInteger produced = new AtomicInteger();
    private final AtomicBoolean drainPending = new AtomicBoolean();
    /** Tokens written to the response so far; event loop only. */
    private int written;
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
        this.tokenPrefix = request.stream() ? ResponseJson.tokenPrefix(header) : null;
        this.tokenSuffix = ResponseJson.tokenSuffix(request.api());
    }

    @Override
    public void onToken(int index) {
        produced.set(index + 1);
        if (drainPending.compareAndSet(false, true)) {
            ctx.executor().execute(this::drain);
        }
    }

    @Override
    public void onFinish(String reason, int promptTokens, int outputTokens, int cachedTokens) {
        ctx.executor().execute(() -> finish(reason, promptTokens, outputTokens, cachedTokens));
    }

    /** Writes every token produced and not yet written; false if the connection is gone or was reset. */
    private boolean drain() {
        drainPending.set(false);
        if (!ctx.channel().isActive()) {
            return false;
        }
        int upTo = produced.get();
        if (written == upTo) {
            return true;
        }
        while (written < upTo) {
            int index = written++;
            if (!request.stream()) {
                text.append(TokenText.of(request.seed(), index));
                continue;
            }
            if (!headersSent) {
                sendStreamHeaders();
            }
            byte[] quoted = TokenText.quoted(request.seed(), index);
            ByteBuf chunk = ctx.alloc().buffer(tokenPrefix.length + quoted.length + tokenSuffix.length);
            chunk.writeBytes(tokenPrefix).writeBytes(quoted).writeBytes(tokenSuffix);
            ctx.write(new DefaultHttpContent(chunk));
            if (index == resetAfterToken) {
                ctx.flush();
                onDone.run();
                Responses.reset(ctx);
                return false;
            }
        }
        if (request.stream()) {
            ctx.flush();
        }
        return true;
    }

    private void finish(String reason, int promptTokens, int outputTokens, int cachedTokens) {
        if (!drain()) {
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
        decorate(res);
        ctx.write(res);
        if (request.api() == Api.CHAT) {
            write(ResponseJson.chunk(header, "assistant", null));
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
