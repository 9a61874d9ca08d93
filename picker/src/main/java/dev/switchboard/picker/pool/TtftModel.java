package dev.switchboard.picker.pool;

/**
 * How fast one endpoint reaches its first token, learned from what the gateway sees: each attempt's prefill work
 * (the uncached prompt tokens of the requests ahead of it that the gateways sent, plus its own) over its time to
 * first token, from attempts that were mostly their own work. A ratio of decayed sums, so it needs no constant per hardware, follows an endpoint that slows down
 * or speeds up within a few half-lives, and weighs a long prompt by its length rather than one sample per request.
 * It also keeps score of itself: each attempt's time predicted when it was sent (its work at the rate known then)
 * against the time it took.
 *
 * <p>What it measures is the endpoint's prefill throughput as this gateway sees it: its time to first token also
 * holds the network, the first decode step and other gateways' requests. Those are the same for a request to any
 * endpoint at once, so the ranking it gives is sound; as an absolute prediction its error is exported and printed
 * by {@code bench-picker}, not assumed.
 *
 * <p>Why no fixed part (intercept) is fitted: tried, on a pool whose prompts are all about one length, the work
 * varies with the queue only, and least squares put the queueing into the intercept (55 ms where the step is 2 ms)
 * and a rate four times too high into the slope; the scorer then piled the backlog on that endpoint. The ratio
 * folds the fixed costs into the rate, which over-predicts a short prompt a little and ranks endpoints right.
 * Thread-safe; the clock is the caller's (nanoseconds).
 */
public final class TtftModel {
    /**
     * Samples, decayed like the sums, for the rate to count as known: one slow first request must not brand an
     * endpoint slow. Because they decay, an endpoint the gateway stopped sending to (it looked slow) is unknown
     * again after a few half-lives, takes the pool's median, and is tried again: a rate learned on a few cold
     * first requests cannot starve it for good.
     */
    static final double MIN_SAMPLES = 2.5; // three recent samples
    /** Work below this is mostly fixed costs (network, a decode step), not prefill: such samples are not learned. */
    static final long MIN_TOKENS = 64;

    private final double halfLifeNanos;
    private double tokens;
    private double seconds;
    private double samples;
    private long last;
    private long predictions;
    private double absoluteError;
    private double signedError;

    /** {@code halfLifeNanos}: how fast old samples fade (the pools use 10 s). */
    public TtftModel(long halfLifeNanos) {
        if (halfLifeNanos <= 0) {
            throw new IllegalArgumentException("the half-life must be positive");
        }
        this.halfLifeNanos = halfLifeNanos;
    }

    /**
     * An attempt whose own uncached prompt was {@code own} tokens, with {@code work} tokens of prefill ahead of its
     * first token in all (its own included), reached that token in {@code nanos}, seen at {@code now}. Learned only
     * when at least half the work was its own: behind a long queue the time says more about the queue than about
     * the endpoint's speed, and a busy endpoint priced slower on top of its backlog would be counted twice (tried:
     * learning from every attempt, predicted-ttft lost a fifth of its throughput past saturation, its warm endpoints
     * priced slow and their prompts moved away and missed).
     */
    public synchronized void observe(long work, long own, long nanos, long now) {
        if (work < MIN_TOKENS || nanos <= 0 || 2 * own < work) {
            return;
        }
        decay(now);
        tokens += work;
        seconds += nanos / 1e9;
        samples++;
    }

    /** Tokens per second, or NaN with fewer than {@value #MIN_SAMPLES} (decayed) samples. */
    public synchronized double tokensPerSecond(long now) {
        decay(now);
        return samples >= MIN_SAMPLES ? tokens / seconds : Double.NaN;
    }

    /** The samples the rate is learned from, decayed as the sums are. */
    public synchronized double samples(long now) {
        decay(now);
        return samples;
    }

    /** The time to first token behind {@code work} tokens of prefill at the rate known now, ms; NaN while unknown. */
    public double predictMillis(long work, long now) {
        return work < MIN_TOKENS ? Double.NaN : work * 1000.0 / tokensPerSecond(now);
    }

    /** An attempt predicted (when sent) to reach its first token in {@code predictedMillis} took {@code actualMillis}. */
    public synchronized void scored(double predictedMillis, double actualMillis) {
        if (!(predictedMillis > 0) || !(actualMillis > 0)) {
            return;
        }
        predictions++;
        double relative = (predictedMillis - actualMillis) / actualMillis;
        absoluteError += Math.abs(relative);
        signedError += relative;
    }

    /** How the predictions went since the start. */
    public synchronized PredictionError predictionError() {
        return new PredictionError(predictions, predictions == 0 ? Double.NaN : absoluteError / predictions,
                predictions == 0 ? Double.NaN : signedError / predictions);
    }

    /**
     * @param predictions  attempts predicted (sent once the rate was known, with a first token seen)
     * @param meanAbsolute mean of |predicted - actual| / actual
     * @param meanSigned   mean of (predicted - actual) / actual: above 0, the model predicts slow
     */
    public record PredictionError(long predictions, double meanAbsolute, double meanSigned) {}

    private void decay(long now) {
        if (last != 0 && now > last) {
            double w = Math.pow(0.5, (now - last) / halfLifeNanos);
            tokens *= w;
            seconds *= w;
            samples *= w;
        }
        last = Math.max(last, now);
    }
}
