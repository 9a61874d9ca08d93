package dev.switchboard.bench.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/** Lays a {@link BenchReport} out as text: one row per figure, one column per stage plus "overall". */
final class ReportTable {
    /** Width of the row-label column, characters. */
    static final int LABEL_WIDTH = 30;
    /** Narrowest stage column, characters. */
    static final int MIN_COLUMN_WIDTH = 12;
    private static final String NONE = "-";

    private ReportTable() {}

    static String render(BenchReport report) {
        RunInfo run = report.run();
        List<StageReport> columns = new ArrayList<>(report.stages());
        if (report.stages().size() != 1) {
            columns.add(report.overall()); // with one stage, "overall" would repeat it
        }
        StringBuilder sb = new StringBuilder();
        sb.append("switchboard bench: ").append(run.url()).append(" (").append(run.api()).append(", model ")
                .append(run.model()).append(", ").append(run.stream() ? "streamed" : "not streamed")
                .append(", seed ").append(run.seed()).append(")\n");
        sb.append("workload: ").append(run.workload()).append(" (").append(run.workloadParams()).append(")\n\n");
        int width = MIN_COLUMN_WIDTH;
        for (StageReport s : columns) {
            width = Math.max(width, s.name().length() + 2);
        }
        row(sb, "", columns, width, StageReport::name);
        row(sb, "duration (s)", columns, width, s -> fmt(s.durationMs() / 1000));
        row(sb, "requests ok", columns, width, s -> Long.toString(s.ok()));
        row(sb, "requests failed", columns, width, s -> Long.toString(s.failed()));
        row(sb, "requests/s", columns, width, s -> fmt(s.requestsPerSecond()));
        row(sb, "output tokens/s", columns, width, s -> fmt(s.outputTokensPerSecond()));
        row(sb, "mean output tokens", columns, width, s -> fmt(s.meanOutputTokens()));
        latencyRows(sb, "TTFT", columns, width, StageReport::ttft);
        latencyRows(sb, "ITL", columns, width, StageReport::itl);
        latencyRows(sb, "E2E", columns, width, StageReport::e2e);
        row(sb, "prefix cache hit (server)", columns, width, s -> percent(s.prefixCacheHitRate()));
        row(sb, "cached prompt tokens (usage)", columns, width, s -> percent(s.cachedTokenShare()));
        row(sb, "requests under 50% cached", columns, width, s -> percent(s.cacheMissShare()));
        errors(sb, report.stages());
        sb.append("connections opened: ").append(run.connectionsOpened()).append('\n');
        return sb.toString();
    }

    private static void latencyRows(StringBuilder sb, String name, List<StageReport> columns, int width,
            Function<StageReport, LatencySummary> pick) {
        row(sb, name + " p50 (ms)", columns, width, s -> fmt(pick.apply(s).p50Ms()));
        row(sb, name + " p90 (ms)", columns, width, s -> fmt(pick.apply(s).p90Ms()));
        row(sb, name + " p99 (ms)", columns, width, s -> fmt(pick.apply(s).p99Ms()));
    }

    private static void row(StringBuilder sb, String label, List<StageReport> columns, int width,
            Function<StageReport, String> cell) {
        sb.append(pad(label, LABEL_WIDTH));
        for (StageReport s : columns) {
            sb.append(pad(cell.apply(s), width));
        }
        int end = sb.length();
        while (end > 0 && sb.charAt(end - 1) == ' ') {
            end--;
        }
        sb.setLength(end);
        sb.append('\n');
    }

    private static void errors(StringBuilder sb, List<StageReport> stages) {
        boolean header = false;
        for (StageReport s : stages) {
            if (s.errors().isEmpty()) {
                continue;
            }
            if (!header) {
                sb.append("\nerrors:\n");
                header = true;
            }
            for (Map.Entry<String, Long> e : s.errors().entrySet()) {
                String sample = s.errorSamples().get(e.getKey());
                sb.append("  ").append(s.name()).append(": ").append(e.getKey()).append(' ').append(e.getValue());
                if (sample != null) {
                    sb.append("  (e.g. ").append(sample).append(')');
                }
                sb.append('\n');
            }
        }
        sb.append('\n');
    }

    private static String pad(String s, int width) {
        return s.length() >= width ? s + " " : s + " ".repeat(width - s.length());
    }

    static String fmt(double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return NONE;
        }
        double a = Math.abs(v);
        String pattern = a >= 1000 ? "%.0f" : a >= 100 ? "%.1f" : a >= 10 ? "%.2f" : "%.3f";
        return String.format(Locale.ROOT, pattern, v);
    }

    static String percent(double share) {
        return Double.isNaN(share) ? "n/a" : String.format(Locale.ROOT, "%.1f%%", share * 100);
    }
}
