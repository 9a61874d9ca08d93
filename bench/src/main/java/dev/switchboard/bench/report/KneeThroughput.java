package dev.switchboard.bench.report;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Throughput at the knee: the highest offered rate a run served within a latency objective. A stage counts when
 * its TTFT p90 is within {@code sloMs} and no request failed (a 429 from shedding is a failure). The arrivals are
 * open-loop (Poisson), so a pool that falls behind shows it as queueing in its TTFT; the completed rate of a short
 * stage is noisy (its arrivals are random) and is not a criterion.
 *
 * <p>A p90 table compares profiles at rates one picks; the knee says how much load each carries before users feel
 * it, which is what a capacity plan needs, and it does not hide a profile that is good only at light load.
 */
public final class KneeThroughput {
    private KneeThroughput() {}

    /** The knee rate of {@code report}, or 0 when no stage met the objective. */
    public static double of(BenchReport report, double sloMs) {
        double knee = 0;
        for (StageReport s : report.stages()) {
            if (within(s, sloMs)) {
                knee = Math.max(knee, s.rate());
            }
        }
        return knee;
    }

    /**
     * Whether a stage below the knee missed the objective: a run that collapsed at a lower rate (a cache still
     * warming, a herd on one server) and recovered; the knee alone would hide it.
     */
    public static boolean missedBelowKnee(BenchReport report, double sloMs) {
        double knee = of(report, sloMs);
        for (StageReport s : report.stages()) {
            if (s.rate() < knee && !within(s, sloMs)) {
                return true;
            }
        }
        return false;
    }

    /** The stage at {@code rate}, or null. */
    public static StageReport at(BenchReport report, double rate) {
        for (StageReport s : report.stages()) {
            if (s.rate() == rate) {
                return s;
            }
        }
        return null;
    }

    static boolean within(StageReport s, double sloMs) {
        return s.failed() == 0 && s.ok() > 0 && s.ttft().p90Ms() <= sloMs;
    }

    /** Min, median and max of {@code values}, as "a / b / c", or the one value alone. */
    public static String spread(List<Double> values, String format) {
        if (values.size() == 1) {
            return String.format(java.util.Locale.ROOT, format, values.get(0));
        }
        double[] v = values.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(v);
        double median = v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
        List<String> parts = new ArrayList<>();
        for (double x : new double[] {v[0], median, v[v.length - 1]}) {
            parts.add(String.format(java.util.Locale.ROOT, format, x));
        }
        return String.join(" / ", parts);
    }
}
