package dev.switchboard.bench.report;

import java.util.List;

/**
 * The result of a {@code switchboard bench} run: one report per stage and one over the whole run.
 *
 * @param run     what was targeted and how
 * @param stages  per stage, in the order they ran
 * @param overall every stage together; its prefix-cache counters are the sum of the stages'
 */
public record BenchReport(RunInfo run, List<StageReport> stages, StageReport overall) {

    public BenchReport {
        stages = List.copyOf(stages);
    }

    /** A table for people: one column per stage, then the overall one. */
    public String toTable() {
        return ReportTable.render(this);
    }

    /** The machine-readable report; field names are stable, durations are milliseconds (doubles). */
    public String toJson() {
        return ReportJson.render(this);
    }
}
