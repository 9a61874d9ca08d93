package dev.switchboard.bench.report;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What one stage (or the whole run) measured. Latencies cover successful requests only.
 *
 * @param name             e.g. {@code rate 4/s}, {@code concurrency 16}, {@code overall}
 * @param rate             target arrival rate (requests/s) of an open-loop stage, else 0
 * @param concurrency      requests in flight of a closed-loop stage, else 0
 * @param durationMs       from the stage's start until its last request ended
 * @param ok               requests that succeeded
 * @param failed           requests that failed
 * @param errors           failures by {@link dev.switchboard.bench.client.ErrorKind#label() kind}, in kind order
 * @param errorSamples     the first message seen for each kind
 * @param outputTokens     output tokens of successful requests
 * @param promptTokens     prompt tokens of successful requests that reported usage
 * @param ttft             time to first token
 * @param itl              inter-token latency: gaps between content chunks
 * @param e2e              end-to-end latency
 * @param prefixCache      the targets' prefix-cache counters over the stage, or null when no target exposes them
 * @param cachedTokenShare cached prompt tokens / prompt tokens from {@code usage}, or NaN when not reported
 * @param cacheMissShare   of the requests that reported cached tokens, the share with less than half their prompt
 *                         cached (the ones that paid a long prefill), or NaN when none reported
 */
public record StageReport(String name, double rate, int concurrency, double durationMs, long ok, long failed,
        Map<String, Long> errors, Map<String, String> errorSamples, long outputTokens, long promptTokens,
        LatencySummary ttft, LatencySummary itl, LatencySummary e2e, PrefixCacheCounters prefixCache,
        double cachedTokenShare, double cacheMissShare) {

    public StageReport {
        errors = Collections.unmodifiableMap(new LinkedHashMap<>(errors));
        errorSamples = Collections.unmodifiableMap(new LinkedHashMap<>(errorSamples));
    }

    public long requests() {
        return ok + failed;
    }

    public double requestsPerSecond() {
        return durationMs > 0 ? ok * 1000.0 / durationMs : 0;
    }

    public double outputTokensPerSecond() {
        return durationMs > 0 ? outputTokens * 1000.0 / durationMs : 0;
    }

    /** Mean output tokens per successful request, NaN when none succeeded. */
    public double meanOutputTokens() {
        return ok > 0 ? (double) outputTokens / ok : Double.NaN;
    }

    /** The server-side prefix-cache hit rate, NaN when unknown. */
    public double prefixCacheHitRate() {
        return prefixCache == null ? Double.NaN : prefixCache.hitRate();
    }
}
