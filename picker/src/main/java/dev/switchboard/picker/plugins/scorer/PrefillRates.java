package dev.switchboard.picker.plugins.scorer;

import dev.switchboard.picker.scheduling.EndpointState;
import java.util.Arrays;
import java.util.List;

/**
 * The prefill throughput the sticky plugins and the predicted-ttft scorer divide by: a configured one (llm-d's
 * calibrated {@code peakPrefillThroughput}, one number for the pool), or each endpoint's own as learned from its
 * times to first token ({@link dev.switchboard.picker.pool.TtftModel}); an endpoint not learned yet takes the median of those
 * that are, and a pool with none learned a prior whose value only matters until the first few answers. A learned
 * rate is pulled toward that median by {@value #PSEUDO_SAMPLES} answers' worth: a rate from three answers counts
 * half, one from thirty almost whole. Without it, an endpoint whose first few answers came slowly (the gateway's
 * own cold start) was priced slow, sent little, and so learned its real speed only slowly (PoolSpeedChangeIT saw an
 * endpoint of three get 4 of 168 requests in its first 6 s).
 */
final class PrefillRates {
    /** Tokens per second before anything is learned: any value ranks a pool of equals the same. */
    static final double PRIOR = 10_000;
    /** How many answers' worth the pool's median weighs against an endpoint's own learned rate. */
    static final double PSEUDO_SAMPLES = 3;

    private PrefillRates() {}

    /** Each endpoint's rate, tokens per second: {@code fixed} when above 0, else learned. */
    static double[] of(List<EndpointState> endpoints, double fixed) {
        int n = endpoints.size();
        double[] rates = new double[n];
        if (fixed > 0) {
            Arrays.fill(rates, fixed);
            return rates;
        }
        double[] known = new double[n];
        int k = 0;
        for (int i = 0; i < n; i++) {
            rates[i] = endpoints.get(i).prefillRate();
            if (rates[i] > 0) {
                known[k++] = rates[i];
            }
        }
        double fill = PRIOR;
        if (k > 0) {
            Arrays.sort(known, 0, k);
            fill = k % 2 == 1 ? known[k / 2] : (known[k / 2 - 1] + known[k / 2]) / 2;
        }
        for (int i = 0; i < n; i++) {
            double own = endpoints.get(i).prefillSamples();
            if (!(rates[i] > 0)) {
                rates[i] = fill;
            } else if (k > 0 && Double.isFinite(own)) {
                rates[i] = (own * rates[i] + PSEUDO_SAMPLES * fill) / (own + PSEUDO_SAMPLES);
            }
        }
        return rates;
    }

    /** Milliseconds to prefill the backlog at {@code e} and then {@code uncached} more, at {@code rate}. */
    static double ttftMs(EndpointState e, long uncached, double rate) {
        return (e.prefillTokens() + uncached) * 1000.0 / rate;
    }
}
