package dev.switchboard.sim.server;

import dev.switchboard.providers.bedrock.BedrockConverseCodec;
import dev.switchboard.providers.chat.ChatError;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;

/**
 * A provider personality's error answers, in the provider's own shape (its codec's {@code encodeError}); AWS's also
 * carry the {@code x-amzn-ErrorType} header that AWS SDKs read the exception type from.
 */
final class ProviderErrors {
    private ProviderErrors() {}

    static void send(ChannelHandlerContext ctx, SimEndpoint endpoint, ProviderRoute.Endpoint route, ChatError error,
            boolean keepAlive) {
        var res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(error.status()),
                Unpooled.wrappedBuffer(route.errorCodec().encodeError(error)));
        res.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON);
        if (route.errors == ProviderRoute.ErrorShape.AWS) {
            res.headers().set("x-amzn-ErrorType", BedrockConverseCodec.errorType(error));
        }
        endpoint.identify(res.headers(), ctx.channel());
        Responses.send(ctx, res, keepAlive);
    }

    /** The {@link ErrorReply} of a route: the kind follows the status. */
    static ErrorReply reply(SimEndpoint endpoint, ProviderRoute.Endpoint route) {
        return (ctx, status, message, keepAlive) -> send(ctx, endpoint, route,
                new ChatError(status, ChatError.kindOf(status), message, null), keepAlive);
    }
}
