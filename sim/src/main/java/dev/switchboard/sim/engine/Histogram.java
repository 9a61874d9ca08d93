package dev.switchboard.sim.engine;

import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.DoubleAdder;

/** A Prometheus-style cumulative histogram with fixed bucket bounds (seconds). Written by one thread, read by any. */
public final class Histogram {
    /** vLLM's time-to-first-token buckets (vllm/v1/metrics/loggers.py). */
    public static final double[] TTFT_BUCKETS = {0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75,
        1.0, 2.5, 5.0, 7.5, 10.0, 20.0, 40.0, 80.0, 160.0, 640.0, 2560.0};
    /** vLLM's inter-token latency buckets. */
    public static final double[] ITL_BUCKETS = {0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.75, 1.0,
        2.5, 5.0, 7.5, 10.0, 20.0, 40.0, 80.0};
    /** vLLM's request latency buckets (e2e, queue). */
    public static final double[] REQUEST_BUCKETS = {0.3, 0.5, 0.8, 1.0, 1.5, 2.0, 2.5, 5.0, 10.0, 15.0, 20.0, 30.0,
        40.0, 50.0, 60.0, 120.0, 240.0, 480.0, 960.0, 1920.0, 7680.0};

    private final double[] bounds;
    /** counts[i] = observations in (bounds[i-1], bounds[i]]; the last slot is (last bound, +Inf). */
    private final AtomicLongArray counts;
    private final DoubleAdder sum = new DoubleAdder();

    public Histogram(double[] bounds) {
        this.bounds = bounds.clone();
        this.counts = new AtomicLongArray(bounds.length + 1);
    }

    public void observe(double seconds) {
        int i = 0;
        while (i < bounds.length && seconds > bounds[i]) {
            i++;
        }
        counts.incrementAndGet(i);
        sum.add(seconds);
    }

    public void observeNanos(long nanos) {
        observe(nanos / 1e9);
    }

    public double[] bounds() {
        return bounds.clone();
    }

    /** Cumulative counts per bound, with the +Inf count last. */
    public long[] cumulativeCounts() {
        long[] out = new long[counts.length()];
        long acc = 0;
        for (int i = 0; i < out.length; i++) {
            acc += counts.get(i);
            out[i] = acc;
        }
        return out;
    }

    public double sum() {
        return sum.sum();
    }
}
