package dev.switchboard.bench.client;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpResponse;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One request's passage through the client. Enforces the {@link ResponseListener} contract (one ending, nothing
 * after it) and owns the request timeout, which covers connecting, writing and the whole response. Confined to the
 * client's event loop.
 */
final class Call {
    private final ResponseListener listener;
    private ScheduledFuture<?> timer;
    private Channel channel;
    private boolean done;

    Call(ResponseListener listener) {
        this.listener = listener;
    }

    void armTimeout(EventLoop loop, long timeoutNanos) {
        timer = loop.schedule(() -> fail(ErrorKind.TIMEOUT,
                "no complete response within " + TimeUnit.NANOSECONDS.toMillis(timeoutNanos) + " ms"),
                timeoutNanos, TimeUnit.NANOSECONDS);
    }

    boolean done() {
        return done;
    }

    /** The connection now carrying this call; closed if the call fails, since its state is then unknown. */
    void attach(Channel ch) {
        channel = ch;
    }

    void sent(long nanos) {
        if (!done) {
            listener.onSent(nanos);
        }
    }

    void head(HttpResponse head, long nanos) {
        if (!done) {
            listener.onHead(head, nanos);
        }
    }

    /** {@code content} is borrowed from the caller. */
    void content(ByteBuf content, long nanos) {
        if (!done) {
            listener.onContent(content, nanos);
        }
    }

    void end(long nanos) {
        if (done) {
            return;
        }
        done = true;
        cancelTimer();
        listener.onEnd(nanos);
    }

    void fail(ErrorKind kind, String message) {
        if (done) {
            return;
        }
        done = true;
        cancelTimer();
        if (channel != null) {
            channel.close(); // a half-read response leaves the connection unusable
        }
        listener.onFailure(kind, message);
    }

    private void cancelTimer() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }
}
