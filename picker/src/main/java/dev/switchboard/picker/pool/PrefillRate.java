package dev.switchboard.picker.pool;

/**
 * How fast one endpoint prefills, learned from what the gateway sees: each attempt's prefill work (the uncached
 * prompt tokens of the requests ahead of it that this gateway sent, plus its own) over its time to first token.
 * A ratio of decayed sums, so it needs no constant per hardware, follows an endpoint that slows down or speeds up
 * within a few half-lives, and weighs a long prompt by its length rather than one sample per request.
 *
 * <p>What it measures is the endpoint's prefill throughput as this gateway sees it: its time to first token also
 * holds the network, the first decode step and other gateways' requests. Those are the same for a request to any
 * endpoint at once, so the ranking it gives is sound; as an absolute prediction of TTFT it is an upper bound.
 * Thread-safe; the clock is the caller's (nanoseconds).
 */
public final class PrefillRate {
    /** Samples before the rate counts as known: one slow first request must not brand an endpoint slow. */
    static final int MIN_SAMPLES = 3;
    /** Work below this is mostly fixed costs (network, a decode step), not prefill: such samples are not learned. */
    static final long MIN_TOKENS = 64;

    private final double halfLifeNanos;
    private double tokens;
    private double seconds;
    private long samples;
    private long last;

    /** {@code halfLifeNanos}: how fast old samples fade (the default pools use 30 s). */
    public PrefillRate(long halfLifeNanos) {
        if (halfLifeNanos <= 0) {
            throw new IllegalArgumentException("the half-life must be positive");
        }
        this.halfLifeNanos = halfLifeNanos;
    }

    /** {@code work} tokens were prefilled in {@code nanos} (an attempt's time to first token), seen at {@code now}. */
    public synchronized void observe(long work, long nanos, long now) {
        if (work < MIN_TOKENS || nanos <= 0) {
            return;
        }
        decay(now);
        tokens += work;
        seconds += nanos / 1e9;
        samples++;
    }

    /** Tokens per second, or NaN before {@value #MIN_SAMPLES} samples. */
    public synchronized double tokensPerSecond(long now) {
        decay(now);
        return samples >= MIN_SAMPLES ? tokens / seconds : Double.NaN;
    }

    private void decay(long now) {
        if (last != 0 && now > last) {
            double w = Math.pow(0.5, (now - last) / halfLifeNanos);
            tokens *= w;
            seconds *= w;
        }
        last = Math.max(last, now);
    }
}
