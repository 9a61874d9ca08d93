package dev.switchboard.extproc.service;

import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingResponse;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import java.util.ArrayDeque;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One ext_proc call's side towards Envoy, with gRPC's flow control both ways: answers wait, in order, while the call
 * cannot take more ({@code isReady} false) and go out from its onReady handler; Envoy's messages are asked for one
 * at a time, and not while more than {@link #MAX_PENDING_BYTES} of answers wait, so an Envoy that does not read is
 * held back by gRPC (and stops reading the model server) instead of growing this processor's memory. Completing
 * the call waits for the answers still queued. Confined to the stream's executor.
 */
final class Answers {
    private static final Logger LOG = LoggerFactory.getLogger(Answers.class);

    /**
     * Bytes of answers waiting for Envoy past which no more of its messages are read: beyond what the processor
     * must hold anyway (the request body until it is forwarded), a peer that does not read costs at most this.
     */
    static final int MAX_PENDING_BYTES = 1 << 20;

    private final ServerCallStreamObserver<ProcessingResponse> out;
    private final ArrayDeque<ProcessingResponse> pending = new ArrayDeque<>();
    private long pendingBytes;
    /** Envoy's next message was not asked for while too much waited; asked for once the queue drains. */
    private boolean readPaused;
    /** The call is to be completed once the waiting answers are out. */
    private boolean completeWhenDrained;
    private boolean closed;

    /** Takes over {@code out}'s flow control; call from the call's start (the service's process method). */
    Answers(ServerCallStreamObserver<ProcessingResponse> out, Executor executor) {
        this.out = out;
        out.setOnReadyHandler(() -> executor.execute(this::drain));
        out.disableAutoRequest();
        out.request(1);
    }

    /** Sends {@code r} now if gRPC can take it, else after the answers already waiting. */
    void send(ProcessingResponse r) {
        if (closed || out.isCancelled()) {
            return;
        }
        if (!pending.isEmpty() || !out.isReady()) {
            pending.add(r);
            pendingBytes += r.getSerializedSize();
            return;
        }
        write(r);
    }

    /** One of Envoy's messages was handled: asks for the next, unless too many answers wait. */
    void readNext() {
        if (pendingBytes > MAX_PENDING_BYTES) {
            readPaused = true;
        } else if (!closed && !out.isCancelled()) {
            out.request(1);
        }
    }

    /** Ends the call normally, once the answers still waiting are out. */
    void complete() {
        if (!pending.isEmpty()) {
            completeWhenDrained = true; // a refusal or the last body chunk may still wait
            return;
        }
        if (!closed && !out.isCancelled()) {
            closed = true;
            try {
                out.onCompleted();
            } catch (RuntimeException e) {
                LOG.debug("ext_proc stream already gone: {}", e.toString());
            }
        }
    }

    /** Ends the call with an error now (a bug after the request went upstream); waiting answers are dropped. */
    void fail(String description) {
        if (!closed && !out.isCancelled()) {
            closed = true;
            pending.clear();
            pendingBytes = 0;
            out.onError(Status.INTERNAL.withDescription(description).asRuntimeException());
        }
    }

    /** Envoy read some: sends what waited, completes the call if that was asked, resumes reading Envoy. */
    private void drain() {
        while (!pending.isEmpty() && out.isReady() && !out.isCancelled()) {
            ProcessingResponse r = pending.poll();
            pendingBytes -= r.getSerializedSize();
            write(r);
        }
        if (out.isCancelled()) {
            pending.clear();
            pendingBytes = 0;
            return;
        }
        if (pending.isEmpty() && completeWhenDrained) {
            completeWhenDrained = false;
            complete();
        }
        if (readPaused && pendingBytes <= MAX_PENDING_BYTES) {
            readPaused = false;
            readNext();
        }
    }

    private void write(ProcessingResponse r) {
        try {
            out.onNext(r);
        } catch (RuntimeException e) {
            LOG.debug("ext_proc response not sent, the stream is gone: {}", e.toString());
        }
    }
}
