package dev.switchboard.extproc.service;

import io.netty.util.concurrent.EventExecutor;
import java.util.ArrayDeque;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one ext_proc stream's work one task at a time, in order, on the stream's event loop: gRPC's messages,
 * flow control's verdict (which arrives on whichever thread dispatched it) and the stream's end all go through it,
 * so the stream's state needs no lock and its {@code StreamObserver} is never called concurrently.
 */
final class StreamExecutor implements Executor {
    /*
     * Like grpc-java's SynchronizationContext, but pinned to one loop: a task submitted on the loop runs at once
     * unless a task of this stream is already running (then it runs right after, not nested inside it: flow control
     * may call a listener back from within queue()); a task from another thread is handed to the loop. The queue is
     * touched on the loop only.
     */
    private static final Logger LOG = LoggerFactory.getLogger(StreamExecutor.class);

    private final EventExecutor loop;
    private final ArrayDeque<Runnable> tasks = new ArrayDeque<>(4);
    private boolean running;

    StreamExecutor(EventExecutor loop) {
        this.loop = loop;
    }

    @Override
    public void execute(Runnable task) {
        if (!loop.inEventLoop()) {
            try {
                loop.execute(() -> execute(task));
            } catch (RejectedExecutionException e) {
                LOG.debug("stream task dropped: the server is shutting down");
            }
            return;
        }
        tasks.add(task);
        if (running) {
            return;
        }
        running = true;
        try {
            for (Runnable t; (t = tasks.poll()) != null; ) {
                try {
                    t.run();
                } catch (RuntimeException e) {
                    LOG.error("ext_proc stream task failed", e);
                }
            }
        } finally {
            running = false;
        }
    }
}
