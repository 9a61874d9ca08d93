package dev.switchboard.bench;

import dev.switchboard.bench.client.HttpClient;
import dev.switchboard.bench.report.BenchReport;
import dev.switchboard.bench.report.PrefixCacheCounters;
import dev.switchboard.bench.report.RunInfo;
import dev.switchboard.bench.report.StageRecorder;
import dev.switchboard.bench.report.StageReport;
import dev.switchboard.bench.scenario.LoadStage;
import dev.switchboard.bench.scenario.PromptText;
import dev.switchboard.bench.scenario.Workload;
import io.netty.buffer.PooledByteBufAllocator;
import java.io.PrintStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One run, stage after stage, on the calling thread: scrape, drive the stage on the loop while redrawing the
 * progress line, scrape again, report. Blocking here is fine: the calling thread is never an event loop.
 */
final class BenchRun {
    /** How often the progress line is redrawn. */
    static final long PROGRESS_INTERVAL_MILLIS = 250;
    /** Seed stream of the Poisson arrivals, apart from the workload's. */
    private static final long ARRIVAL_STREAM = 7;

    private final BenchConfig config;
    private final HttpClient client;
    private final Target target;
    private final RequestEncoder encoder;
    private final SideRequests side;
    private final ProgressLine progressLine;
    private final RunProgress progress = new RunProgress();

    /** {@code progressOut} is null for no progress line. */
    BenchRun(BenchConfig config, HttpClient client, PrintStream progressOut) {
        this.config = config;
        this.client = client;
        this.target = Target.of(config);
        this.encoder = new RequestEncoder(config, target, PooledByteBufAllocator.DEFAULT);
        this.side = new SideRequests(client, encoder, target);
        this.progressLine = progressOut == null ? null : new ProgressLine(progressOut);
    }

    BenchReport run() throws InterruptedException {
        Instant startedAt = Instant.now();
        for (Target.Page page : target.metrics()) {
            client.prepare(page.origin()); // resolve host names here, not on the loop
        }
        target.origins().forEach(client::prepare);
        String model = config.model() != null ? config.model() : side.firstModel();
        Workload workload = config.workload().create(config.seed(), model);
        SplittableRandom arrivals = new SplittableRandom(PromptText.seed(config.seed(), ARRIVAL_STREAM, 0));
        long runStart = System.nanoTime();
        long runDeadline = config.duration() == null ? Long.MAX_VALUE : runStart + config.duration().toNanos();
        StageRecorder overall = new StageRecorder("overall", 0, 0);
        PrefixCacheCounters overallCache = null;
        List<StageReport> reports = new ArrayList<>();
        long issuedSoFar = 0;
        for (int i = 0; i < config.stages().size(); i++) {
            LoadStage stage = config.stages().get(i);
            long cap = capOf(issuedSoFar);
            if (cap <= 0 || System.nanoTime() >= runDeadline || workload.exhausted()) {
                break;
            }
            List<PrefixCacheCounters> before = side.scrape();
            long start = System.nanoTime();
            long deadline = config.stageDuration() == null ? runDeadline
                    : Math.min(runDeadline, start + config.stageDuration().toNanos());
            StageRecorder recorder = new StageRecorder(stage.label(), stage.rate(), stage.concurrency());
            StageDriver driver = new StageDriver(client, target, encoder, workload, stage, cap, deadline,
                    config.timeout().toNanos(), recorder, overall, progress, arrivals);
            progress.beginStage(stage.label(), i + 1, config.stages().size(), expected(stage, cap, start, deadline, issuedSoFar), start);
            await(driver.start());
            issuedSoFar += driver.issued();
            PrefixCacheCounters cache = SideRequests.delta(before, side.scrape());
            if (cache != null) {
                overallCache = overallCache == null ? cache : overallCache.plus(cache);
            }
            reports.add(recorder.report(cache));
        }
        RunInfo info = new RunInfo(config.url().toString(), config.api().label(), model, config.stream(),
                config.workload().name(), config.workload().describe(), config.seed(), startedAt, client.connectionsOpened());
        return new BenchReport(info, reports, overall.report(overallCache));
    }

    /** Requests the next stage may issue, given the caps. */
    private long capOf(long issuedSoFar) {
        long cap = config.requestsPerStage() > 0 ? config.requestsPerStage() : Long.MAX_VALUE;
        if (config.requests() > 0) {
            cap = Math.min(cap, config.requests() - issuedSoFar);
        }
        return cap;
    }

    /** What the progress line shows as the stage's total, or -1 when it cannot be known. */
    private long expected(LoadStage stage, long cap, long start, long deadline, long issuedSoFar) {
        long e = cap;
        if (config.workload().totalRequests() >= 0) {
            e = Math.min(e, config.workload().totalRequests() - issuedSoFar);
        }
        if (stage.openLoop() && deadline != Long.MAX_VALUE) {
            e = Math.min(e, Math.round(stage.rate() * (deadline - start) / 1e9));
        }
        return e == Long.MAX_VALUE ? -1 : e;
    }

    /** Waits for the stage, redrawing the progress line meanwhile. */
    private void await(CompletableFuture<Void> stageDone) throws InterruptedException {
        while (true) {
            try {
                stageDone.get(PROGRESS_INTERVAL_MILLIS, TimeUnit.MILLISECONDS);
                break;
            } catch (TimeoutException e) {
                if (progressLine != null) {
                    progressLine.draw(progress, System.nanoTime());
                }
            } catch (ExecutionException e) {
                throw new IllegalStateException("the stage failed: " + e.getCause(), e.getCause());
            }
        }
        if (progressLine != null) {
            progressLine.finish(progress, System.nanoTime());
        }
    }
}
