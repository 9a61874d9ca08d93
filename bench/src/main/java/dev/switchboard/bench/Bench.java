package dev.switchboard.bench;

import dev.switchboard.bench.client.HttpClient;
import dev.switchboard.bench.report.BenchReport;
import dev.switchboard.transport.Transport;
import io.netty.channel.EventLoopGroup;
import java.io.PrintStream;
import java.util.concurrent.TimeUnit;

/**
 * {@code switchboard bench}: an LLM load generator for any OpenAI-compatible server. It applies open-loop (Poisson)
 * or closed-loop load in stages, streams every response, and reports TTFT, inter-token latency, end-to-end latency,
 * throughput, errors by kind, and the server-side prefix-cache hit rate when the targets expose vLLM metrics.
 *
 * <p>Lean by design, to share two cores with the system under test: one event-loop thread does all the I/O,
 * scheduling and measurement; the calling thread only waits and draws progress.
 */
public final class Bench {
    /** Event-loop threads: one keeps every piece of run state confined and lock-free. */
    static final int IO_THREADS = 1;

    private Bench() {}

    /**
     * Runs {@code config} to its end and returns the report; also prints it to {@code out} (a table, or JSON when
     * {@link BenchConfig#json()}) unless {@code out} is null. {@code progress} gets a live status line, redrawn in
     * place, or null for none. Request failures are part of the report, not exceptions.
     *
     * @throws IllegalStateException when the run cannot start (no model given and none listed by the target)
     */
    public static BenchReport run(BenchConfig config, PrintStream out, PrintStream progress) throws InterruptedException {
        EventLoopGroup group = Transport.best().newGroup(IO_THREADS, "bench-io");
        BenchReport report;
        try (HttpClient client = new HttpClient(group.next())) {
            report = new BenchRun(config, client, progress).run();
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
        if (out != null) {
            out.print(config.json() ? report.toJson() : report.toTable());
            out.flush();
        }
        return report;
    }
}
