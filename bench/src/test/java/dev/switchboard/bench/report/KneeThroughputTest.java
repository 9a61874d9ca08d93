package dev.switchboard.bench.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class KneeThroughputTest {
    @Test
    void theKneeIsTheHighestRateWithinTheObjectiveThatKeptUp() {
        // p90 under 500 ms at 16, 24 and 32 (whatever the Poisson arrivals made of the completed rate), over it at 40
        BenchReport r = report(new double[][] {{16, 16, 120}, {24, 23.9, 410}, {32, 27, 300},
                {40, 39, 900}});
        assertThat(KneeThroughput.of(r, 500)).isEqualTo(32);
        assertThat(KneeThroughput.of(r, 400)).as("the highest stage within it, not the last before a miss")
                .isEqualTo(32);
        assertThat(KneeThroughput.of(r, 1000)).as("a looser objective").isEqualTo(40);
        assertThat(KneeThroughput.of(r, 100)).as("no stage within it").isZero();
    }

    @Test
    void aCollapseBelowTheKneeIsReportedBesideIt() {
        BenchReport recovered = report(new double[][] {{48, 48, 200}, {96, 61, 2478}, {144, 140, 50}, {192, 180, 300}});
        assertThat(KneeThroughput.of(recovered, 500)).isEqualTo(192);
        assertThat(KneeThroughput.missedBelowKnee(recovered, 500)).as("96 req/s missed it").isTrue();
        BenchReport steady = report(new double[][] {{48, 48, 200}, {96, 95, 300}, {144, 120, 900}});
        assertThat(KneeThroughput.missedBelowKnee(steady, 500)).as("only above the knee").isFalse();
        assertThat(KneeThroughput.missedBelowKnee(report(new double[][] {{48, 40, 900}}), 500))
                .as("no knee: nothing below it").isFalse();
    }

    /** Stages of one second each: {rate, achieved req/s, TTFT p90 ms}. */
    static BenchReport report(double[][] stages) {
        List<StageReport> list = new java.util.ArrayList<>();
        for (double[] s : stages) {
            LatencySummary ttft = new LatencySummary(1, s[2], s[2], s[2], s[2], s[2]);
            list.add(new StageReport("rate " + s[0], s[0], 0, 10_000, Math.round(s[1] * 10), 0, java.util.Map.of(),
                    java.util.Map.of(), 0, 0, ttft, LatencySummary.EMPTY, LatencySummary.EMPTY, null, Double.NaN,
                    Double.NaN));
        }
        return new BenchReport(null, list, list.get(list.size() - 1));
    }

    @Test
    void theSpreadIsMinMedianMax() {
        assertThat(KneeThroughput.spread(List.of(40.0, 24.0, 32.0), "%.0f")).isEqualTo("24 / 32 / 40");
        assertThat(KneeThroughput.spread(List.of(40.0), "%.0f")).isEqualTo("40");
    }
}
