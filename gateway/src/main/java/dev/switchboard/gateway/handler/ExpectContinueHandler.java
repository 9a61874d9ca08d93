package dev.switchboard.gateway.handler;

import dev.switchboard.gateway.server.GatewayContext;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerExpectContinueHandler;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;

/**
 * Answers {@code Expect: 100-continue} (curl sends it for bodies over 1 KB and otherwise waits a second): 100 when
 * the declared body fits the limit, else 413 in the OpenAI error shape and the connection closes, before the body
 * is sent. Sits after the HTTP/1.1 codec and keep-alive handler, before {@link ApiRequestHandler}. Per connection.
 */
public final class ExpectContinueHandler extends HttpServerExpectContinueHandler {
    private final GatewayContext gateway;

    public ExpectContinueHandler(GatewayContext gateway) {
        this.gateway = gateway;
    }

    @Override
    protected HttpResponse acceptMessage(HttpRequest request) {
        long declared = HttpUtil.getContentLength(request, -1L);
        return declared > gateway.listener().maxBodyBytes() ? null : super.acceptMessage(request);
    }

    @Override
    protected HttpResponse rejectResponse(HttpRequest request) {
        byte[] body = RequestErrors.tooLarge(gateway.listener().maxBodyBytes()).toJson();
        FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE,
                Unpooled.wrappedBuffer(body));
        res.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON);
        HttpUtil.setContentLength(res, body.length);
        HttpUtil.setKeepAlive(res, false);
        return res;
    }
}
