package dev.switchboard.bench.client;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpResponse;
import java.util.concurrent.CompletableFuture;

/**
 * Collects a small whole response (a {@code /metrics} page, a model list) into a string. The future completes on
 * the event loop: normally with the status and body (any status), exceptionally when the exchange failed.
 */
public final class BodyCollector implements ResponseListener {
    /** The collected response. */
    public record Body(int status, String text) {}

    private final CompletableFuture<Body> future = new CompletableFuture<>();
    private final BodyBuffer body;
    private int status;

    /** Keeps at most {@code maxBytes} of the body. */
    public BodyCollector(int maxBytes) {
        this.body = new BodyBuffer(maxBytes);
    }

    public CompletableFuture<Body> future() {
        return future;
    }

    @Override
    public void onSent(long nanos) {
    }

    @Override
    public void onHead(HttpResponse head, long nanos) {
        status = head.status().code();
    }

    @Override
    public void onContent(ByteBuf content, long nanos) {
        body.append(content);
    }

    @Override
    public void onEnd(long nanos) {
        future.complete(new Body(status, body.text()));
    }

    @Override
    public void onFailure(ErrorKind kind, String message) {
        future.completeExceptionally(new IllegalStateException(kind.label() + ": " + message));
    }
}
