package dev.switchboard.picker.plugins.scorer;

import dev.switchboard.picker.scheduling.EndpointState;
import java.util.Arrays;
import java.util.List;

/**
 * The prefill throughput the sticky plugins divide by: a configured one (llm-d's calibrated {@code
 * peakPrefillThroughput}, one number for the pool), or each endpoint's own as learned from its times to first
 * token ({@link dev.switchboard.picker.pool.PrefillRate}); an endpoint not learned yet takes the median of those
 * that are, and a pool with none learned a prior whose value only matters until the first few answers.
 */
final class PrefillRates {
    /** Tokens per second before anything is learned: any value ranks a pool of equals the same. */
    static final double PRIOR = 10_000;

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
            if (!(rates[i] > 0)) {
                rates[i] = fill;
            }
        }
        return rates;
    }

    /** Milliseconds to prefill the backlog at {@code e} and then {@code uncached} more, at {@code rate}. */
    static double ttftMs(EndpointState e, long uncached, double rate) {
        return (e.prefillTokens() + uncached) * 1000.0 / rate;
    }
}
