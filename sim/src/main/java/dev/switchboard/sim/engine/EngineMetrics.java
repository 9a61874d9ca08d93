package dev.switchboard.sim.engine;

import java.util.concurrent.atomic.LongAdder;

/** Counters and histograms one engine keeps, named after vLLM's in {@code dev.switchboard.core.metrics}. */
public final class EngineMetrics {
    public final LongAdder promptTokens = new LongAdder();
    public final LongAdder generationTokens = new LongAdder();
    /** Prompt tokens looked up in the prefix cache (vLLM counts tokens, not requests). */
    public final LongAdder prefixQueries = new LongAdder();
    /** Prompt tokens found in the prefix cache. */
    public final LongAdder prefixHits = new LongAdder();
    public final LongAdder preemptions = new LongAdder();
    public final LongAdder finishedStop = new LongAdder();
    public final LongAdder finishedLength = new LongAdder();
    public final LongAdder finishedAbort = new LongAdder();
    public final Histogram timeToFirstToken = new Histogram(Histogram.TTFT_BUCKETS);
    public final Histogram interTokenLatency = new Histogram(Histogram.ITL_BUCKETS);
    public final Histogram e2eLatency = new Histogram(Histogram.REQUEST_BUCKETS);
    public final Histogram queueTime = new Histogram(Histogram.REQUEST_BUCKETS);

    void finished(String reason) {
        switch (reason) {
            case "stop" -> finishedStop.increment();
            case "length" -> finishedLength.increment();
            default -> finishedAbort.increment();
        }
    }
}
