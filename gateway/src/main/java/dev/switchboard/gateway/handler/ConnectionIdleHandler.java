package dev.switchboard.gateway.handler;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpServerUpgradeHandler;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Closes a client connection that has had no request in progress for {@code clientIdleTimeout}. On HTTP/1.1 it sits
 * right after the server codec and sees requests start (a head arrives) and end (the last part of a final response
 * is written); a request head must arrive within the timeout too, so a client trickling a head byte by byte is cut
 * off at it (it steps aside when the connection upgrades to h2c). On HTTP/2 it sits after the multiplexer on the
 * connection, and each stream channel reports its
 * opening and closing ({@link #streamOpened}, {@link #streamClosed}); closing the connection sends GOAWAY. Writes
 * nothing itself. Per connection; confined to its event loop.
 */
public final class ConnectionIdleHandler extends ChannelDuplexHandler {
    /*
     * The timer is armed whenever the count of requests in progress falls to zero (and at the start) and cancelled
     * when it rises, so a busy connection schedules nothing per request while requests overlap and one timer per
     * idle period otherwise. Partial bytes never reset it: an idle deadline that a byte could push back would let a
     * client hold the connection with a byte a minute. A request whose body comes slowly is bounded by
     * requestReceivedTimeout instead (ApiRequestHandler), and a response in progress by the route's timeouts.
     */

    private final long idleNanos;
    private final boolean http2;
    private ChannelHandlerContext ctx;
    private ScheduledFuture<?> timer;
    private int inProgress;
    /** HTTP/1.1: the response being written is a final one (not 100 Continue). */
    private boolean finalResponse;

    private ConnectionIdleHandler(long idleNanos, boolean http2) {
        this.idleNanos = idleNanos;
        this.http2 = http2;
    }

    /** For an HTTP/1.1 connection: watches its messages. */
    public static ConnectionIdleHandler http1(long idleNanos) {
        return new ConnectionIdleHandler(idleNanos, false);
    }

    /** For an HTTP/2 connection: told by its streams. */
    public static ConnectionIdleHandler http2(long idleNanos) {
        return new ConnectionIdleHandler(idleNanos, true);
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        if (inProgress == 0) {
            arm();
        }
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        disarm();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!http2 && msg instanceof HttpRequest) {
            streamOpened();
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (!http2) {
            if (msg instanceof HttpResponse res) {
                finalResponse = res.status().codeClass() != HttpStatusClass.INFORMATIONAL;
            }
            if (msg instanceof LastHttpContent && finalResponse) {
                finalResponse = false;
                streamClosed();
            }
        }
        ctx.write(msg, promise);
    }

    /** A request (HTTP/2: a stream) started. */
    public void streamOpened() {
        inProgress++;
        disarm();
    }

    /** A request (HTTP/2: a stream) ended. */
    public void streamClosed() {
        if (inProgress > 0 && --inProgress == 0) {
            arm();
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (!http2 && evt instanceof HttpServerUpgradeHandler.UpgradeEvent) {
            ctx.pipeline().remove(this); // now h2c: the HTTP/2 handlers bring their own timer
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        disarm();
        ctx.fireChannelInactive();
    }

    private void arm() {
        if (ctx != null && timer == null && ctx.channel().isOpen()) {
            timer = ctx.executor().schedule(this::idle, idleNanos, TimeUnit.NANOSECONDS);
        }
    }

    private void disarm() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }

    private void idle() {
        timer = null;
        if (inProgress == 0) {
            ctx.close();
        }
    }
}
