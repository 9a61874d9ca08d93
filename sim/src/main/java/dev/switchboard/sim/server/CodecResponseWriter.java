package dev.switchboard.sim.server;

import dev.switchboard.providers.bedrock.BedrockConverseCodec;
import dev.switchboard.providers.chat.ChatEvents;
import dev.switchboard.providers.chat.FinishReason;
import dev.switchboard.providers.chat.Usage;
import dev.switchboard.providers.wire.ByteSink;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;

/**
 * A provider personality's response of a generation: the engine's tokens as {@link ChatEvents} into the provider
 * codec's own encoder (so each wire format has one home, in {@code providers}), its bytes sent as HTTP chunks after
 * each drain (streamed) or as one body at the end.
 *
 * <p>Events: {@code start}, the prompt's usage (so a stream's opening event can carry input tokens, as Anthropic's
 * message_start does), one text delta per token (or, for a {@link ToolAnswer}, the tool call at the first token and
 * its arguments at the end), {@code finish} (MAX_TOKENS when the engine stopped at max tokens, TOOL_USE for a call,
 * else END_TURN), the final usage (input = prompt tokens, output = generated), {@code end}.
 */
final class CodecResponseWriter implements ResponseWriter {
    private final ChannelHandlerContext ctx;
    private final SimEndpoint endpoint;
    private final ProviderRoute.Endpoint route;
    private final boolean stream;
    private final long seed;
    private final ToolAnswer tool;
    private final String orcaFormat;
    private final boolean keepAlive;
    private final ByteSink sink = new ByteSink(1024);
    private final ChatEvents events;
    /** Claude on Bedrock's stream frames, else null (the codec's bytes go out as they are). */
    private final InvokeStreamFrames invokeFrames;
    private boolean headersSent;

    CodecResponseWriter(ChannelHandlerContext ctx, SimEndpoint endpoint, ProviderRoute.Endpoint route, boolean stream,
            dev.switchboard.providers.ResponseContext context, long seed, int promptTokens, ToolAnswer tool,
            String orcaFormat, boolean keepAlive) {
        this.ctx = ctx;
        this.endpoint = endpoint;
        this.route = route;
        this.stream = stream;
        this.seed = seed;
        this.tool = tool;
        this.orcaFormat = orcaFormat;
        this.keepAlive = keepAlive;
        this.invokeFrames = stream && route == ProviderRoute.Endpoint.BEDROCK_INVOKE_STREAM ? new InvokeStreamFrames() : null;
        this.events = route.codec.responseEncoder(stream, context, sink);
        events.start(null, context.model());
        events.usage(new Usage(promptTokens, -1, -1, -1, -1));
    }

    @Override
    public void token(int index) {
        if (tool == null) {
            events.text(TokenText.of(seed, index));
        } else if (index == 0) {
            events.toolCall(0, tool.id(), tool.name());
        }
    }

    @Override
    public void flush() {
        if (!stream) {
            return;
        }
        sendBytes();
        ctx.flush();
    }

    @Override
    public void finish(String reason, int promptTokens, int outputTokens, int cachedTokens) {
        if (tool != null) {
            events.toolArguments(0, tool.arguments());
            events.finish(FinishReason.TOOL_USE, null);
        } else {
            events.finish("length".equals(reason) ? FinishReason.MAX_TOKENS : FinishReason.END_TURN, null);
        }
        events.usage(new Usage(promptTokens, outputTokens, -1, -1, -1));
        events.end();
        if (!stream) {
            var res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                    ctx.alloc().buffer(sink.size()).writeBytes(sink.array(), 0, sink.size()));
            res.headers().set(HttpHeaderNames.CONTENT_TYPE, route.codec.contentType(false));
            Responses.decorate(ctx, endpoint, res, orcaFormat);
            Responses.send(ctx, res, keepAlive);
            return;
        }
        sendBytes();
        var last = ctx.writeAndFlush(new DefaultLastHttpContent());
        if (!keepAlive) {
            last.addListener(ChannelFutureListener.CLOSE);
        }
    }

    /** Sends the headers (first time) and what the encoder wrote since the last call, as one chunk. */
    private void sendBytes() {
        if (!headersSent) {
            sendStreamHeaders();
        }
        ByteSink bytes = invokeFrames != null ? invokeFrames.wrap(sink) : sink;
        if (!bytes.isEmpty()) {
            ByteBuf chunk = ctx.alloc().buffer(bytes.size()).writeBytes(bytes.array(), 0, bytes.size());
            ctx.write(new DefaultHttpContent(chunk));
        }
        sink.reset();
    }

    private void sendStreamHeaders() {
        headersSent = true;
        HttpResponse res = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        if (invokeFrames != null) {
            res.headers().set(HttpHeaderNames.CONTENT_TYPE, BedrockConverseCodec.EVENT_STREAM);
            res.headers().set("x-amzn-bedrock-content-type", HttpHeaderValues.APPLICATION_JSON);
        } else {
            res.headers().set(HttpHeaderNames.CONTENT_TYPE, route.codec.contentType(true));
        }
        res.headers().set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_CACHE);
        HttpUtil.setTransferEncodingChunked(res, true);
        HttpUtil.setKeepAlive(res, keepAlive);
        Responses.decorate(ctx, endpoint, res, orcaFormat);
        ctx.write(res);
    }
}
