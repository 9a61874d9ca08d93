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
     * One timer per connection, never one per request: a request ending only notes the time (idleSince). The timer
     * fires at most idleNanos after it was armed; if requests are in progress, or one ended since, it re-arms for
     * the rest of the idle period instead of closing (as Netty's IdleStateHandler does). So a busy keep-alive
     * connection costs a clock read per request and a timer run per idle period, not a schedule and a cancel per
     * request. Partial bytes never push the deadline back: a deadline that a byte could extend would let a client
     * hold the connection with a byte a minute. A request whose body comes slowly is bounded by
     * requestReceivedTimeout instead (ApiRequestHandler), and a response in progress by the route's timeouts.
     */

    private final long idleNanos;
    private final boolean http2;
    private ChannelHandlerContext ctx;
    private ScheduledFuture<?> timer;
    private int inProgress;
    /** When the last request ended (or the connection started). */
    private long idleSince;
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
        idleSince = System.nanoTime();
        arm(idleNanos);
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
    }

    /** A request (HTTP/2: a stream) ended. */
    public void streamClosed() {
        if (inProgress > 0 && --inProgress == 0) {
            idleSince = System.nanoTime();
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

    private void arm(long delayNanos) {
        if (ctx.channel().isOpen()) {
            timer = ctx.executor().schedule(this::check, delayNanos, TimeUnit.NANOSECONDS);
        }
    }

    private void disarm() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }

    private void check() {
        timer = null;
        long idle = System.nanoTime() - idleSince;
        if (inProgress > 0) {
            arm(idleNanos);
        } else if (idle >= idleNanos) {
            ctx.close();
        } else {
            arm(idleNanos - idle);
        }
    }
}
