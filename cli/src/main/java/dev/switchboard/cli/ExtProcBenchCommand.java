package dev.switchboard.cli;

import dev.switchboard.extproc.bench.ExtProcBench;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code switchboard bench-extproc}: the ext_proc picker against a do-nothing processor, side by side. */
@Command(name = "bench-extproc", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Measures the ext_proc endpoint picker: decisions per second and the latency it adds per",
            "request, against a do-nothing processor (a random endpoint, the body echoed) in the same run, with the",
            "same client playing Envoy. Everything runs in this process; rounds alternate between the processors."})
final class ExtProcBenchCommand implements Callable<Integer> {
    @Option(names = "--endpoints", defaultValue = "100", description = "Endpoints in the pool (default: ${DEFAULT-VALUE}).")
    int endpoints;
    @Option(names = "--connections", defaultValue = "2", description = "HTTP/2 connections the client opens, as Envoy"
            + " opens one per worker (default: ${DEFAULT-VALUE}).")
    int connections;
    @Option(names = "--io-threads", defaultValue = "0", description = "Event loops of each processor; 0 = one per core.")
    int ioThreads;
    @Option(names = "--rounds", defaultValue = "3", description = "Measured rounds per processor and workload (default: ${DEFAULT-VALUE}).")
    int rounds;
    @Option(names = "--seconds", defaultValue = "5", description = "Seconds per round (default: ${DEFAULT-VALUE}).")
    double seconds;
    @Option(names = "--concurrency", defaultValue = "32", description = "Streams in flight with small prompts (default: ${DEFAULT-VALUE}).")
    int concurrency;
    @Option(names = "--rate", defaultValue = "2000", description = "Open-loop streams per second with small prompts;"
            + " 0 skips that workload (default: ${DEFAULT-VALUE}).")
    double rate;
    @Option(names = "--large-kib", defaultValue = "220", description = "Size of the large prompts in KiB; 0 skips them"
            + " (default: ${DEFAULT-VALUE}, the reference picker's slow case, GIE #2928).")
    int largeKiB;
    @Option(names = "--large-streams", defaultValue = "200", description = "Streams in flight with large prompts (default: ${DEFAULT-VALUE}).")
    int largeStreams;
    @Option(names = "--profile", description = "The pool's endpointPickerRef (a built-in profile); default: the default profile.")
    String profile;

    @Override
    public Integer call() throws Exception {
        if (endpoints < 1 || connections < 1 || rounds < 1 || seconds <= 0 || concurrency < 1 || largeStreams < 1) {
            throw new IllegalArgumentException("--endpoints, --connections, --rounds, --seconds, --concurrency and"
                    + " --large-streams must be positive");
        }
        ExtProcBench.run(new ExtProcBench.Settings(endpoints, connections, ioThreads, rounds, seconds, concurrency,
                rate, largeKiB, largeStreams, profile), System.out);
        return 0;
    }
}
