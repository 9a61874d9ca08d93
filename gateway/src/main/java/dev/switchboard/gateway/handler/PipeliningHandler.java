package dev.switchboard.gateway.handler;

import io.netty.buffer.ByteBufHolder;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;

/**
 * HTTP/1.1 pipelining: holds back a request that arrives while the previous one's response is still being written,
 * and passes it on once that response has ended, so responses go out in request order and never interleave. Sits
 * after {@code HttpServerKeepAliveHandler}, before {@link ExpectContinueHandler} (a held-back request's
 * {@code 100 Continue} must not go out in the middle of another response) and {@link ApiRequestHandler}. Writes
 * nothing itself; closes the connection when a client pipelines more than {@link #MAX_HELD_BYTES} or
 * {@link #MAX_HELD_MESSAGES}. Per connection.
 */
public final class PipeliningHandler extends ChannelDuplexHandler {
    /*
     * A request is "open" from its head until the last part of its final (non-1xx) response is written. Messages
     * that arrive while one is open are queued whole, in order (a held-back request's body parts with it). When the
     * open response ends, the queue is replayed from a task on the event loop, not from inside that write: the
     * writer (an exchange finishing its response) must be done before the next request begins. Replay stops at the
     * next request head, which opens again. HTTP/2 streams are independent and never pass through here.
     *
     * Memory: the connection keeps reading while a request is served, so a client could pipeline without end; what
     * is held is capped in bytes and in messages, and a client past either cap is disconnected (a well-behaved
     * pipelining client sends a few small requests, far below both).
     */

    /** Most bytes of held-back requests kept before the connection is closed: many small pipelined requests. */
    static final int MAX_HELD_BYTES = 1 << 20;
    /** Most held-back messages (heads and body pieces): a body in one-byte chunks must not become a million objects. */
    static final int MAX_HELD_MESSAGES = 4096;

    private final ArrayDeque<Object> held = new ArrayDeque<>();
    private long heldBytes;
    private boolean open;
    private boolean replayScheduled;
    /** A response said {@code Connection: close}: the connection ends with it. */
    private boolean closing;

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (closing) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (!held.isEmpty() || (open && msg instanceof HttpRequest)) {
            hold(ctx, msg);
            return;
        }
        if (msg instanceof HttpRequest) {
            open = true;
        }
        ctx.fireChannelRead(msg);
    }

    private void hold(ChannelHandlerContext ctx, Object msg) {
        held.add(msg);
        if (msg instanceof ByteBufHolder b) {
            heldBytes += b.content().readableBytes();
        }
        if (heldBytes > MAX_HELD_BYTES || held.size() > MAX_HELD_MESSAGES) {
            releaseHeld();
            ctx.close();
        }
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof HttpResponse res) {
            if (res.status().codeClass() == HttpStatusClass.INFORMATIONAL) {
                ctx.write(msg, promise); // 100 Continue: the response is still to come
                return;
            }
            closing |= !HttpUtil.isKeepAlive(res);
        }
        boolean ends = msg instanceof LastHttpContent;
        ctx.write(msg, promise);
        if (ends && open) {
            open = false;
            if (closing) {
                releaseHeld(); // the connection closes after this response: nothing behind it is served
            } else if (!held.isEmpty() && !replayScheduled) {
                replayScheduled = true;
                ctx.executor().execute(() -> replay(ctx));
            }
        }
    }

    /** Passes held-back messages on, up to and including the next request's head and the parts that follow it. */
    private void replay(ChannelHandlerContext ctx) {
        replayScheduled = false;
        while (!held.isEmpty() && ctx.channel().isActive()) {
            Object next = held.peek();
            if (next instanceof HttpRequest) {
                if (open) {
                    return; // still serving the previous replayed request
                }
                open = true;
            }
            held.poll();
            if (next instanceof ByteBufHolder b) {
                heldBytes -= b.content().readableBytes();
            }
            ctx.fireChannelRead(next);
        }
        if (!ctx.channel().isActive()) {
            releaseHeld();
        }
    }

    private void releaseHeld() {
        for (Object m; (m = held.poll()) != null; ) {
            ReferenceCountUtil.release(m);
        }
        heldBytes = 0;
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        releaseHeld();
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        releaseHeld();
    }
}
