package dev.switchboard.bench;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Live counters of the running stage, written on the event loop and read by the progress line on the run's thread.
 */
final class RunProgress {
    final AtomicLong ok = new AtomicLong();
    final AtomicLong failed = new AtomicLong();
    final AtomicLong inFlight = new AtomicLong();
    private volatile String stage = "";
    private volatile int stageNumber;
    private volatile int stageCount;
    private volatile long stageStartNanos;
    /** Requests the stage is expected to make, or -1 when unknown. */
    private volatile long expected = -1;

    void beginStage(String name, int number, int count, long expectedRequests, long startNanos) {
        ok.set(0);
        failed.set(0);
        stage = name;
        stageNumber = number;
        stageCount = count;
        expected = expectedRequests;
        stageStartNanos = startNanos;
    }

    String stage() {
        return stage;
    }

    int stageNumber() {
        return stageNumber;
    }

    int stageCount() {
        return stageCount;
    }

    long stageStartNanos() {
        return stageStartNanos;
    }

    long expected() {
        return expected;
    }

    long done() {
        return ok.get() + failed.get();
    }
}
