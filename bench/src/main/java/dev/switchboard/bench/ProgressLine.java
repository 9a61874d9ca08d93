package dev.switchboard.bench;

import java.io.PrintStream;
import java.util.Locale;

/**
 * The one-line live status on a terminal, redrawn in place with {@code \r}: stage, elapsed time, done/expected,
 * ok/failed, in flight and the current request rate (completions over about the last second).
 */
final class ProgressLine {
    /** Samples kept for the current rate: at four redraws a second, about one second. */
    static final int WINDOW = 4;

    private final PrintStream out;
    private final long[] sampleNanos = new long[WINDOW];
    private final long[] sampleDone = new long[WINDOW];
    private int samples;
    private int width;

    ProgressLine(PrintStream out) {
        this.out = out;
    }

    /** Redraws the line from {@code p} at {@code now}. */
    void draw(RunProgress p, long now) {
        long done = p.done();
        int slot = samples % WINDOW;
        int oldest = samples < WINDOW ? 0 : (samples + 1) % WINDOW;
        sampleNanos[slot] = now;
        sampleDone[slot] = done;
        samples++;
        double seconds = (now - sampleNanos[oldest]) / 1e9;
        double rate = seconds > 0 ? (done - sampleDone[oldest]) / seconds : 0;
        double elapsed = (now - p.stageStartNanos()) / 1e9;
        String total = p.expected() >= 0 ? Long.toString(p.expected()) : "?";
        String line = String.format(Locale.ROOT, "stage %d/%d %s | %.1fs | done %d/%s | ok %d failed %d | in flight %d | %.1f req/s",
                p.stageNumber(), p.stageCount(), p.stage(), elapsed, done, total, p.ok.get(), p.failed.get(),
                p.inFlight.get(), rate);
        int pad = Math.max(0, width - line.length());
        width = line.length();
        out.print("\r" + line + " ".repeat(pad));
        out.flush();
    }

    /** Ends the stage's line so the next starts below it. */
    void finish(RunProgress p, long now) {
        draw(p, now);
        out.println();
        samples = 0;
        width = 0;
    }
}
