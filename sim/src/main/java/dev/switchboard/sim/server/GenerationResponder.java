package dev.switchboard.sim.server;

import dev.switchboard.sim.engine.SequenceListener;
import io.netty.channel.ChannelHandlerContext;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Turns one sequence's engine events into calls on its {@link ResponseWriter}, on the channel's event loop, for every
 * API alike; also cuts the connection where failure injection asked for a reset.
 */
final class GenerationResponder implements SequenceListener {
    /*
     * Coalescing: the engine thread only records how many tokens exist and schedules one drain task if none is
     * pending; the drain hands every token produced so far to the writer and flushes once. When the event loop keeps
     * up, that is one chunk and one flush per token, as a model server sends them. When it falls behind (many
     * streams, time scale 0) tokens are batched into fewer flushes instead of piling up one task each.
     */
    private final ChannelHandlerContext ctx;
    private final ResponseWriter writer;
    /** Token index after which the connection is reset (failure injection), or -1. */
    private final int resetAfterToken;
    private final Runnable onDone;
    /** Tokens generated so far; written by the engine thread. */
    private final AtomicInteger produced = new AtomicInteger();
    private final AtomicBoolean drainPending = new AtomicBoolean();
    /** Tokens handed to the writer so far; event loop only. */
    private int written;

    GenerationResponder(ChannelHandlerContext ctx, ResponseWriter writer, int resetAfterToken, Runnable onDone) {
        this.ctx = ctx;
        this.writer = writer;
        this.resetAfterToken = resetAfterToken;
        this.onDone = onDone;
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
            writer.token(index);
            if (index == resetAfterToken) {
                writer.flush();
                onDone.run();
                Responses.reset(ctx);
                return false;
            }
        }
        writer.flush();
        return true;
    }

    private void finish(String reason, int promptTokens, int outputTokens, int cachedTokens) {
        if (!drain()) {
            return;
        }
        onDone.run();
        writer.finish(reason, promptTokens, outputTokens, cachedTokens);
    }
}
