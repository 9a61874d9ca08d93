package dev.switchboard.bench.report;

import dev.switchboard.bench.client.ErrorKind;
import dev.switchboard.bench.client.RequestResult;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * Accumulates the results of one stage (or of the whole run) into histograms and counters. Written from one thread
 * (the event loop); {@link #report} is read after the stage ended, once that thread handed it over.
 */
public final class StageRecorder {
    /** Longest latency recorded, µs (one hour); longer values count as one hour. */
    static final long MAX_MICROS = TimeUnit.HOURS.toMicros(1);
    /** Significant digits kept by the histograms: values within 0.1 %. */
    static final int SIGNIFICANT_DIGITS = 3;

    private final String name;
    private final double rate;
    private final int concurrency;
    private final Histogram ttft = new Histogram(MAX_MICROS, SIGNIFICANT_DIGITS);
    private final Histogram itl = new Histogram(MAX_MICROS, SIGNIFICANT_DIGITS);
    private final Histogram e2e = new Histogram(MAX_MICROS, SIGNIFICANT_DIGITS);
    private final EnumMap<ErrorKind, Long> errors = new EnumMap<>(ErrorKind.class);
    private final EnumMap<ErrorKind, String> samples = new EnumMap<>(ErrorKind.class);
    private long ok;
    private long failed;
    private long outputTokens;
    private long promptTokens;
    /** Prompt and cached tokens of the requests that reported cached_tokens. */
    private long promptTokensWithDetails;
    private long cachedTokens;
    /** Requests that reported cached_tokens, and of those the ones with less than half their prompt cached. */
    private long requestsWithDetails;
    private long mostlyUncached;
    private long startNanos = -1;
    private long endNanos = -1;

    /** {@code rate} for an open-loop stage, {@code concurrency} for a closed-loop one, both 0 for a summary. */
    public StageRecorder(String name, double rate, int concurrency) {
        this.name = name;
        this.rate = rate;
        this.concurrency = concurrency;
    }

    /** The stage began; the first call wins. */
    public void start(long nanos) {
        if (startNanos < 0) {
            startNanos = nanos;
        }
    }

    /** The stage ended; the last call wins. */
    public void end(long nanos) {
        endNanos = nanos;
    }

    public void record(RequestResult r) {
        if (!r.ok()) {
            failed++;
            errors.merge(r.error(), 1L, Long::sum);
            if (r.errorMessage() != null) {
                samples.putIfAbsent(r.error(), r.errorMessage());
            }
            return;
        }
        ok++;
        outputTokens += r.outputTokens();
        if (r.ttftNanos() >= 0) {
            ttft.recordValue(micros(r.ttftNanos()));
        }
        e2e.recordValue(micros(r.e2eNanos()));
        for (int gap : r.itlMicros()) {
            itl.recordValue(Math.min(gap, MAX_MICROS));
        }
        if (r.promptTokens() >= 0) {
            promptTokens += r.promptTokens();
            if (r.cachedTokens() >= 0) {
                promptTokensWithDetails += r.promptTokens();
                cachedTokens += r.cachedTokens();
                requestsWithDetails++;
                if (2L * r.cachedTokens() < r.promptTokens()) {
                    mostlyUncached++;
                }
            }
        }
    }

    /** Requests recorded so far. */
    public long done() {
        return ok + failed;
    }

    /** The stage's figures; {@code prefixCache} is the targets' counter difference over it, or null. */
    public StageReport report(PrefixCacheCounters prefixCache) {
        Map<String, Long> errorCounts = new LinkedHashMap<>();
        Map<String, String> errorSamples = new LinkedHashMap<>();
        errors.forEach((k, v) -> errorCounts.put(k.label(), v));
        samples.forEach((k, v) -> errorSamples.put(k.label(), v));
        double durationMs = startNanos < 0 || endNanos < startNanos ? 0 : (endNanos - startNanos) / 1e6;
        double share = promptTokensWithDetails > 0 ? (double) cachedTokens / promptTokensWithDetails : Double.NaN;
        double missShare = requestsWithDetails > 0 ? (double) mostlyUncached / requestsWithDetails : Double.NaN;
        return new StageReport(name, rate, concurrency, durationMs, ok, failed, errorCounts, errorSamples, outputTokens,
                promptTokens, LatencySummary.of(ttft), LatencySummary.of(itl), LatencySummary.of(e2e), prefixCache, share,
                missShare);
    }

    private static long micros(long nanos) {
        return Math.max(0, Math.min(MAX_MICROS, nanos / 1000));
    }
}
