package dev.switchboard.bench.client;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import java.io.IOException;
import javax.net.ssl.SSLHandshakeException;

/**
 * Last in a client connection's pipeline, after {@code HttpClientCodec}: hands each response part of the current
 * {@link Call} to its listener as it arrives (no aggregation), then returns the connection to its pool, or closes it
 * when the server does not keep it alive. One call at a time per connection. Messages are released on the way out
 * by {@link SimpleChannelInboundHandler}: listeners only borrow the content.
 */
final class ClientHandler extends SimpleChannelInboundHandler<HttpObject> {
    private final ConnectionPool pool;
    private Call call;
    private boolean keepAlive;

    ClientHandler(ConnectionPool pool) {
        this.pool = pool;
    }

    /** Makes {@code c} the call whose response comes next on this connection. */
    void start(Call c) {
        call = c;
        keepAlive = true;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, HttpObject msg) {
        Call c = call;
        if (c == null) {
            return; // the tail of a response whose call already ended (timeout): dropped, released by the superclass
        }
        long now = System.nanoTime();
        if (!msg.decoderResult().isSuccess()) {
            call = null;
            c.fail(ErrorKind.PROTOCOL, "malformed HTTP response: " + msg.decoderResult().cause().getMessage());
            ctx.close();
            return;
        }
        if (msg instanceof HttpResponse head) {
            if (head.status().codeClass() == HttpStatusClass.INFORMATIONAL) {
                return; // e.g. 100 Continue: the real response follows
            }
            keepAlive = HttpUtil.isKeepAlive(head);
            c.head(head, now);
        }
        if (msg instanceof HttpContent content) {
            c.content(content.content(), now);
            if (msg instanceof LastHttpContent) {
                call = null;
                // Back to the pool before the listener hears of the end, so a request it sends at once reuses us.
                if (keepAlive && !c.done() && ctx.channel().isActive()) {
                    pool.release(ctx.channel());
                } else {
                    ctx.close();
                }
                c.end(now);
            }
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        Call c = call;
        call = null;
        if (c != null) {
            c.fail(ErrorKind.RESET, "connection closed before the response was complete");
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        Call c = call;
        call = null;
        if (c != null) {
            c.fail(kindOf(cause), describe(cause));
        }
        ctx.close();
    }

    static ErrorKind kindOf(Throwable cause) {
        Throwable root = cause instanceof DecoderException && cause.getCause() != null ? cause.getCause() : cause;
        if (root instanceof SSLHandshakeException) {
            return ErrorKind.CONNECT;
        }
        if (cause instanceof DecoderException) {
            return ErrorKind.PROTOCOL;
        }
        return root instanceof IOException ? ErrorKind.RESET : ErrorKind.PROTOCOL;
    }

    static String describe(Throwable cause) {
        String message = cause.getMessage();
        return message == null || message.isBlank() ? cause.getClass().getSimpleName() : message;
    }
}
