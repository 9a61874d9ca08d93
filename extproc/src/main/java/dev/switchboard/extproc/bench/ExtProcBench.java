package dev.switchboard.extproc.bench;

import dev.switchboard.core.config.ConfigLoader;
import dev.switchboard.core.config.GatewayConfig;
import dev.switchboard.extproc.ExtProcServer;
import dev.switchboard.extproc.ExtProcSettings;
import dev.switchboard.extproc.admin.ExtProcMetrics;
import dev.switchboard.transport.Transport;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Collectors;

/**
 * The ext_proc benchmark: Switchboard's picker against a do-nothing processor ({@link EchoProcessor}), in one run,
 * with the same client ({@link ExtProcLoad}), rounds alternating between them so drift on a noisy machine hits
 * both. A pool of {@code endpoints} endpoints whose metrics pages come from a {@link MetricsFarm} and are scraped
 * every 50 ms, as in production. Prints, per workload and processor, decisions per second and the latency the
 * processor adds (median of the rounds, and the worst round beside it), then the ratio of the two.
 */
public final class ExtProcBench {
    /**
     * @param endpoints   the pool's size
     * @param connections HTTP/2 connections from the client (Envoy keeps one per worker)
     * @param ioThreads   event loops of each processor (0: one per core)
     * @param rounds      measured rounds per processor and workload
     * @param seconds     length of a round
     * @param concurrency streams in flight for the small-prompt closed loop
     * @param rate        streams per second for the open loop (0: skip it)
     * @param largeKiB    the large prompts' size
     * @param largeStreams streams in flight with large prompts
     * @param profile     the pool's endpointPickerRef (null: the default profile)
     */
    public record Settings(int endpoints, int connections, int ioThreads, int rounds, double seconds, int concurrency,
            double rate, int largeKiB, int largeStreams, String profile) {}

    private record Workload(String name, List<byte[]> bodies, int concurrency, double rate) {}

    private ExtProcBench() {}

    public static void run(Settings s, PrintStream out) throws Exception {
        Transport transport = Transport.best();
        try (MetricsFarm farm = MetricsFarm.start(transport, s.endpoints())) {
            List<String> addresses = farm.ports().stream().map(p -> "127.0.0.1:" + p).toList();
            GatewayConfig config = ConfigLoader.parse(poolYaml(farm.ports(), s.profile()), "bench-extproc pool");
            try (ExtProcServer ours = ExtProcServer.start(ExtProcSettings.defaults(0, -1).withIoThreads(s.ioThreads()),
                    config);
                    EchoProcessor echo = EchoProcessor.start(addresses, transport, s.ioThreads() > 0 ? s.ioThreads()
                            : Runtime.getRuntime().availableProcessors());
                    ExtProcLoad toOurs = new ExtProcLoad(transport, ours.port(), s.connections());
                    ExtProcLoad toEcho = new ExtProcLoad(transport, echo.port(), s.connections())) {
                Thread.sleep(300); // a few scrapes: every endpoint has fresh metrics
                out.printf(Locale.ROOT, "ext_proc benchmark: %d endpoints (metrics scraped every 50 ms), %d"
                        + " connections, %s, %d rounds of %.0f s per processor, alternating; transport %s, %d cores%n",
                        s.endpoints(), s.connections(), s.profile() == null ? "default profile" : "profile " + s.profile(),
                        s.rounds(), s.seconds(), transport.name(), Runtime.getRuntime().availableProcessors());
                for (Workload w : workloads(s)) {
                    Map<String, List<ExtProcLoad.Result>> results = new LinkedHashMap<>();
                    results.put("do-nothing", new ArrayList<>());
                    results.put("switchboard", new ArrayList<>());
                    measure(w, toEcho, Math.min(2, s.seconds())); // warm-up, not reported
                    measure(w, toOurs, Math.min(2, s.seconds()));
                    ExtProcMetrics.PickTimes before = ours.metrics().pickTimes();
                    for (int r = 0; r < s.rounds(); r++) {
                        results.get("do-nothing").add(measure(w, toEcho, s.seconds()));
                        results.get("switchboard").add(measure(w, toOurs, s.seconds()));
                    }
                    report(w, results, out);
                    ExtProcMetrics.PickTimes after = ours.metrics().pickTimes();
                    out.printf(Locale.ROOT, "  switchboard's picks (admission and scheduling, on the server): mean %.0f µs,"
                            + " p50 <= %s, p99 <= %s%n", after.mean(before) * 1e6, micros(after.quantileBound(before, 0.5)),
                            micros(after.quantileBound(before, 0.99)));
                }
            }
        }
    }

    private static ExtProcLoad.Result measure(Workload w, ExtProcLoad load, double seconds) throws InterruptedException {
        return w.rate() > 0 ? load.openLoop(w.bodies(), w.rate(), seconds)
                : load.closedLoop(w.bodies(), w.concurrency(), seconds);
    }

    private static List<Workload> workloads(Settings s) {
        List<Workload> out = new ArrayList<>();
        List<byte[]> small = bodies(64, 1024, 1);
        out.add(new Workload("1 KiB prompts, " + s.concurrency() + " streams in flight", small, s.concurrency(), 0));
        if (s.rate() > 0) {
            out.add(new Workload(String.format(Locale.ROOT, "1 KiB prompts, open loop at %.0f/s", s.rate()), small, 0,
                    s.rate()));
        }
        if (s.largeKiB() > 0) {
            out.add(new Workload(s.largeKiB() + " KiB prompts, " + s.largeStreams() + " streams in flight",
                    bodies(8, s.largeKiB() * 1024, 2), s.largeStreams(), 0));
        }
        return out;
    }

    /**
     * Chat bodies of about {@code bytes}, in {@code groups} groups that share a system prompt (so prefix affinity has
     * something to find), each with its own question.
     */
    static List<byte[]> bodies(int groups, int bytes, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        List<String> systems = new ArrayList<>();
        for (int g = 0; g < groups; g++) {
            systems.add(words(random, bytes));
        }
        List<byte[]> out = new ArrayList<>();
        for (int i = 0; i < groups * 4; i++) {
            String body = "{\"model\":\"m\",\"stream\":true,\"max_tokens\":64,\"messages\":[{\"role\":\"system\","
                    + "\"content\":\"" + systems.get(i % groups) + "\"},{\"role\":\"user\",\"content\":\"question "
                    + i + "\"}]}";
            out.add(body.getBytes(StandardCharsets.UTF_8));
        }
        return out;
    }

    private static String words(SplittableRandom random, int length) {
        StringBuilder b = new StringBuilder(length + 16);
        while (b.length() < length) {
            int n = 2 + random.nextInt(8);
            for (int i = 0; i < n; i++) {
                b.append((char) ('a' + random.nextInt(26)));
            }
            b.append(' ');
        }
        b.setLength(length);
        return b.toString();
    }

    static String poolYaml(List<Integer> ports, String profile) {
        String endpoints = ports.stream().map(p -> "  - {address: 127.0.0.1, port: " + p + ", labels: {app: bench}}")
                .collect(Collectors.joining("\n"));
        return """
                apiVersion: inference.networking.k8s.io/v1
                kind: InferencePool
                metadata: {name: bench}
                spec:
                  selector: {matchLabels: {app: bench}}
                  targetPorts: [{number: 8000}]
                %s---
                apiVersion: switchboard.dev/v1alpha1
                kind: Endpoints
                metadata: {name: bench-endpoints}
                spec:
                  endpoints:
                %s
                """.formatted(profile == null ? "" : "  endpointPickerRef: {name: " + profile + "}\n", endpoints);
    }

    private static void report(Workload w, Map<String, List<ExtProcLoad.Result>> results, PrintStream out) {
        out.printf("%n%s%n", w.name());
        out.printf(Locale.ROOT, "  %-12s %12s %9s %9s %9s %9s %9s  %s%n", "processor", "decisions/s", "p50 ms",
                "p90 ms", "p99 ms", "p99.9 ms", "max ms", "rejected/failed");
        Map<String, double[]> medians = new LinkedHashMap<>();
        for (var e : results.entrySet()) {
            List<ExtProcLoad.Result> rs = e.getValue();
            double[] rate = rs.stream().mapToDouble(ExtProcLoad.Result::perSecond).toArray();
            double[] p50 = quantile(rs, 50);
            double[] p90 = quantile(rs, 90);
            double[] p99 = quantile(rs, 99);
            double[] p999 = quantile(rs, 99.9);
            double[] max = rs.stream().mapToDouble(r -> r.latencyNanos().getMaxValue() / 1e6).toArray();
            long rejected = rs.stream().mapToLong(ExtProcLoad.Result::rejected).sum();
            long failed = rs.stream().mapToLong(ExtProcLoad.Result::failed).sum();
            out.printf(Locale.ROOT, "  %-12s %12.0f %9.3f %9.3f %9.3f %9.3f %9.3f  %d/%d%n", e.getKey(), median(rate),
                    median(p50), median(p90), median(p99), median(p999), median(max), rejected, failed);
            out.printf(Locale.ROOT, "  %-12s %12.0f %9.3f %9.3f %9.3f %9.3f %9.3f  (worst round)%n", "",
                    Arrays.stream(rate).min().orElse(0), worst(p50), worst(p90), worst(p99), worst(p999), worst(max));
            medians.put(e.getKey(), new double[] {median(rate), median(p50), median(p99)});
        }
        double[] echo = medians.get("do-nothing");
        double[] ours = medians.get("switchboard");
        out.printf(Locale.ROOT, "  switchboard / do-nothing: throughput %.2fx, p50 %.2fx, p99 %.2fx%n",
                ours[0] / echo[0], ours[1] / echo[1], ours[2] / echo[2]);
    }

    private static String micros(double seconds) {
        return Double.isInfinite(seconds) ? "more than 1 s" : String.format(Locale.ROOT, "%.0f µs", seconds * 1e6);
    }

    private static double[] quantile(List<ExtProcLoad.Result> rs, double q) {
        return rs.stream().mapToDouble(r -> r.latencyNanos().getValueAtPercentile(q) / 1e6).toArray();
    }

    private static double median(double[] values) {
        double[] v = values.clone();
        Arrays.sort(v);
        return v.length == 0 ? 0 : v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    private static double worst(double[] values) {
        return Arrays.stream(values).max().orElse(0);
    }
}
