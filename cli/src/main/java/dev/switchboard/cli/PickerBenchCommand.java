package dev.switchboard.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.switchboard.bench.Bench;
import dev.switchboard.bench.BenchConfig;
import dev.switchboard.bench.client.ErrorKind;
import dev.switchboard.bench.report.BenchReport;
import dev.switchboard.bench.report.KneeThroughput;
import dev.switchboard.bench.report.StageReport;
import dev.switchboard.bench.scenario.LoraMixSpec;
import dev.switchboard.bench.scenario.ModelWeight;
import dev.switchboard.bench.scenario.TokenRange;
import dev.switchboard.bench.scenario.WorkloadSpec;
import dev.switchboard.core.config.ConfigException;
import dev.switchboard.core.config.ConfigLoader;
import dev.switchboard.gateway.server.GatewayServer;
import dev.switchboard.picker.config.EndpointPickerConfigLoader;
import dev.switchboard.sim.SimConfig;
import dev.switchboard.sim.engine.EngineConfig;
import dev.switchboard.sim.engine.LatencyProfile;
import dev.switchboard.sim.server.SimServer;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code switchboard bench-picker}: the endpoint picker's benchmark. For each scheduling profile in turn, it starts
 * a fresh pool of KV-limited simulated servers and a gateway in front of them, drives the shared-prefix workload at
 * rising Poisson rates through the gateway, and at the end prints the profiles side by side.
 */
@Command(name = "bench-picker", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Compares scheduling profiles on a simulated, KV-limited pool: shared-prefix, Zipf, code-gen or"
                + " multi-turn load, a pool of equals or a heterogeneous one.")
final class PickerBenchCommand implements Callable<Integer> {
    /*
     * Each profile gets new simulators (empty caches, same seed) and a new gateway, so no profile inherits another's
     * warm cache; within a profile the stages run back to back, as the reference benchmark's stages do. Everything
     * runs in this process: the simulated servers' time is wall-clock time, so the figures are comparable between
     * profiles of one run and not across machines.
     * The default workload is the reference's prefix-cache benchmark (inference-perf shared_prefix,
     * short-questions__many-system-prompts: 150 groups x 5 questions, 6000-token system prompts, 1200-token questions)
     * on llm-d's pool of 8 servers whose cache the system prompts fill to 73%. Two changes fit it to one 2-core machine
     * in a few minutes: 200 output tokens instead of 1000 (the client and gateway then stream 5x fewer chunks, so their
     * CPU stays out of the measurement; the prefill side, where the profiles differ, is unchanged), and simulated time
     * 4x faster than wall time (the rates are wall-clock rates, so 64 req/s is 16 in simulated seconds).
     */

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    @Option(names = "--profiles", split = ",", description = "Profiles, in order: built-in names or EndpointPickerConfig"
            + " files (*.yaml, named by their metadata.name) (default: round-robin, least-in-flight, reference, sticky"
            + " (llm-d's sticky until saturated), predicted-ttft).")
    List<String> profiles = List.of(EndpointPickerConfigLoader.ROUND_ROBIN, EndpointPickerConfigLoader.LEAST_IN_FLIGHT,
            EndpointPickerConfigLoader.REFERENCE, EndpointPickerConfigLoader.STICKY,
            EndpointPickerConfigLoader.PREDICTED_TTFT);

    @Option(names = "--endpoints", defaultValue = "8", description = "Simulated servers (default: ${DEFAULT-VALUE}).")
    int endpoints;

    @Option(names = "--kv-blocks", defaultValue = "9600", description = "KV blocks of 16 tokens per server (default: ${DEFAULT-VALUE}:"
            + " 150k tokens, so the system prompts fill 73%% of the pool's cache, as in llm-d's benchmark).")
    int kvBlocks;

    @Option(names = "--time-scale", defaultValue = "4", description = "Simulated time speed-up (default: ${DEFAULT-VALUE}).")
    double timeScale;

    @Option(names = "--rate", split = ",", description = "Request rates, one stage each (default: 16,24,...,72).")
    double[] rates = {16, 24, 32, 40, 48, 56, 64, 72};

    @Option(names = "--stage-duration", converter = BenchCommand.DurationConverter.class, defaultValue = "15s",
            description = "Stage length (default: ${DEFAULT-VALUE}).")
    Duration stageDuration;

    @Mixin
    PickerWorkloads workloads = new PickerWorkloads();

    @Option(names = "--kv-events", paramLabel = "tcp://HOST:PORT", description = "The servers publish their KV-cache"
            + " events to this address, where a profile's kvEventsConfig.zmqEndpoint binds (precise prefix state).")
    String kvEvents;

    @Option(names = "--slow-endpoints", defaultValue = "0", description = "A heterogeneous pool: the first N servers"
            + " run --slowdown times slower (default: ${DEFAULT-VALUE}).")
    int slowEndpoints;

    @Option(names = "--slowdown", defaultValue = "2", description = "How many times slower the --slow-endpoints run"
            + " (default: ${DEFAULT-VALUE}: half speed).")
    double slowdown;

    @Option(names = "--lora-mix", paramLabel = "NAME:WEIGHT,...", description = "Instead of the shared-prefix workload:"
            + " random prompts (--input-tokens, --output-tokens), each for a LoRA adapter drawn by weight, e.g."
            + " a:60,b:30,c:10; the"
            + " servers serve those adapters, --max-loras at a time.")
    String loraMix;

    @Option(names = "--input-tokens", defaultValue = "200:2000", paramLabel = "N|MIN:MAX",
            description = "With --lora-mix: prompt length (default: ${DEFAULT-VALUE}).")
    String inputTokens;

    @Option(names = "--max-loras", defaultValue = "3", description = "With --lora-mix: adapters a server runs at once"
            + " (default: ${DEFAULT-VALUE}).")
    int maxLoras;

    @Option(names = "--seed", defaultValue = "1", description = "Seed for prompts, arrivals and the simulators (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--slo", converter = BenchCommand.DurationConverter.class, defaultValue = "500ms",
            description = "TTFT p90 objective of the knee: the highest rate a profile serves within it, with nothing"
                    + " failed (default: ${DEFAULT-VALUE}).")
    Duration slo;

    @Option(names = "--repeat", defaultValue = "1", description = "Runs of every profile, each with the next seed;"
            + " the knee and the verdict are given per run and as min / median / max (one run swings by 30%%).")
    int repeat;

    @Override
    public Integer call() throws Exception {
        Map<String, String> documents = new LinkedHashMap<>(); // profile name -> EndpointPickerConfig document, or ""
        for (String p : profiles) {
            try {
                if (p.endsWith(".yaml") || p.endsWith(".yml")) {
                    String doc = Files.readString(Path.of(p));
                    documents.put(profileName(doc, p), doc);
                } else if (EndpointPickerConfigLoader.builtIn(p) != null) {
                    documents.put(p, "");
                } else {
                    throw new ConfigException("unknown profile '" + p + "'; built-in profiles: "
                            + String.join(", ", EndpointPickerConfigLoader.builtInNames())
                            + ", or an EndpointPickerConfig .yaml file");
                }
            } catch (ConfigException | IOException e) {
                System.err.println(e instanceof NoSuchFileException ? p + ": no such file" : e.getMessage());
                return 2;
            }
        }
        WorkloadSpec workload;
        try {
            workload = loraMix == null ? workloads.spec() : new LoraMixSpec(ModelWeight.parseMix(loraMix),
                    TokenRange.parse(inputTokens), TokenRange.of(workloads.outputTokens == null ? 200 : workloads.outputTokens));
            if (slowEndpoints < 0 || slowEndpoints > endpoints || !(slowdown > 0) || Double.isInfinite(slowdown)) {
                throw new IllegalArgumentException("--slow-endpoints must be in [0, --endpoints] and --slowdown a"
                        + " positive number");
            }
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            return 2;
        }
        PrintStream out = System.out;
        out.printf(Locale.ROOT, "pool: %d simulated h100-8b servers%s, KV %d tokens each, time scale %s%n", endpoints,
                slowEndpoints == 0 ? "" : String.format(Locale.ROOT, " (%d of them %sx slower)", slowEndpoints, slowdown),
                kvBlocks * 16L, timeScale);
        out.printf(Locale.ROOT, "workload: %s; stages of %s at %s req/s%n", workload.describe(), stageDuration,
                java.util.Arrays.toString(rates));
        if (repeat < 1) {
            System.err.println("--repeat must be at least 1");
            return 2;
        }
        List<Map<String, BenchReport>> runs = new ArrayList<>();
        for (int run = 0; run < repeat; run++) {
            Map<String, BenchReport> reports = new LinkedHashMap<>();
            for (Map.Entry<String, String> p : documents.entrySet()) {
                String profile = p.getKey();
                out.printf("%n== %s%s ==%n", profile, repeat > 1 ? " (run " + (run + 1) + ", seed " + (seed + run) + ")" : "");
                reports.put(profile, runProfile(profile, p.getValue(), workload, seed + run));
                out.print(table(Map.of(profile, reports.get(profile))));
                out.flush();
            }
            out.printf("%n== all profiles%s ==%n", repeat > 1 ? ", run " + (run + 1) : "");
            out.print(table(reports));
            out.print(verdict(reports));
            runs.add(reports);
        }
        out.print(knees(runs, slo.toNanos() / 1e6));
        return 0;
    }

    /**
     * Each profile's knee throughput in every run (the highest rate within the TTFT objective) and its spread; then
     * the comparison at the reference profile's own knee: predicted-ttft's TTFT p90 against the reference's.
     */
    static String knees(List<Map<String, BenchReport>> runs, double sloMs) {
        StringBuilder t = new StringBuilder(String.format(Locale.ROOT,
                "%n== knee throughput: the highest rate with TTFT p90 <= %.0f ms and nothing failed ==%n",
                sloMs));
        t.append(String.format(Locale.ROOT, "%-16s %-28s %s%n", "profile", "knee req/s per run",
                "min / median / max"));
        boolean missed = false;
        for (String profile : runs.get(0).keySet()) {
            List<Double> knees = runs.stream().map(r -> KneeThroughput.of(r.get(profile), sloMs)).toList();
            List<String> shown = new ArrayList<>();
            for (int i = 0; i < runs.size(); i++) {
                boolean below = KneeThroughput.missedBelowKnee(runs.get(i).get(profile), sloMs);
                missed |= below;
                shown.add(String.format(Locale.ROOT, "%.0f%s", knees.get(i), below ? "*" : ""));
            }
            t.append(String.format(Locale.ROOT, "%-16s %-28s %s%n", profile, shown, KneeThroughput.spread(knees, "%.0f")));
        }
        if (missed) {
            t.append("* a lower rate missed the objective in that run (see its table)\n");
        }
        List<Double> ratios = new ArrayList<>();
        for (Map<String, BenchReport> r : runs) {
            BenchReport ref = r.get(EndpointPickerConfigLoader.REFERENCE);
            BenchReport ours = r.get(EndpointPickerConfigLoader.PREDICTED_TTFT);
            if (ref == null || ours == null) {
                return t.toString();
            }
            double knee = KneeThroughput.of(ref, sloMs);
            StageReport a = KneeThroughput.at(ref, knee);
            StageReport b = KneeThroughput.at(ours, knee);
            if (a != null && b != null) {
                ratios.add(b.ttft().p90Ms() / a.ttft().p90Ms());
            }
        }
        if (!ratios.isEmpty()) {
            t.append(String.format(Locale.ROOT, "at the reference's knee: predicted-ttft TTFT p90 / reference's per run %s"
                    + " (min / median / max %s; target <= 0.8)%n", ratios.stream()
                    .map(x -> String.format(Locale.ROOT, "%.2f", x)).toList(), KneeThroughput.spread(ratios, "%.2f")));
        }
        return t.toString();
    }

    /** The {@code metadata.name} of an EndpointPickerConfig file, once the configuration is known to load. */
    private static String profileName(String document, String file) throws ConfigException {
        EndpointPickerConfigLoader.load(document, file); // a bad configuration is refused now, with its reason
        String name = "";
        try {
            name = YAML.readTree(document).path("metadata").path("name").asText("");
        } catch (IOException e) {
            // cannot happen: the loader just read the same text
        }
        if (name.isEmpty()) {
            throw new ConfigException(file + ": an EndpointPickerConfig document with metadata.name is required");
        }
        return name;
    }

    private BenchReport runProfile(String profile, String document, WorkloadSpec workload, long seed) throws Exception {
        EngineConfig engine = EngineConfig.defaults().withProfile(LatencyProfile.H100_8B.withKv(kvBlocks, 16))
                .withTimeScale(timeScale).withSeed(seed);
        SimConfig simConfig = SimConfig.defaults().withEndpoints(0, endpoints);
        if (workload instanceof LoraMixSpec lora) {
            EngineConfig d = EngineConfig.defaults();
            engine = engine.withLimits(d.maxNumSeqs(), d.maxNumBatchedTokens(), d.maxWaiting(), maxLoras, d.maxModelLen());
            simConfig = simConfig.withModel(SimConfig.DEFAULT_MODEL, lora.mix().stream().map(ModelWeight::model).toList());
        }
        try (SimServer sims = SimServer.start(simConfig.withEngine(engine))) {
            double[] slowdowns = new double[endpoints];
            for (int i = 0; i < endpoints; i++) {
                slowdowns[i] = i < slowEndpoints ? slowdown : 1;
                sims.engine(i).slowdown(slowdowns[i]);
            }
            if (kvEvents != null) {
                sims.publishKvEvents(kvEvents);
            }
            var config = ConfigLoader.parse(gatewayYaml(sims.endpointsYaml("sim"), profile, document), "bench-picker (" + profile + ")");
            try (GatewayServer gateway = GatewayServer.start(config, 2)) {
                BenchConfig.Builder b = BenchConfig.builder()
                        .url("http://127.0.0.1:" + gateway.port())
                        .model(SimConfig.DEFAULT_MODEL)
                        .rates(rates)
                        .stageDuration(stageDuration)
                        .timeout(Duration.ofSeconds(120))
                        .workload(workload)
                        .seed(seed);
                for (InetSocketAddress a : sims.addresses()) {
                    b.metricsUrl("http://127.0.0.1:" + a.getPort() + "/metrics");
                }
                BenchReport report = Bench.run(b.build(), null, System.console() != null ? System.err : null);
                System.out.print("what the TTFT model learned (gateway metrics):\n"
                        + EndpointModelTable.read(gateway.adminAddress(), sims.addresses(), slowdowns));
                return report;
            }
        }
    }

    private static String gatewayYaml(String members, String profile, String document) {
        StringBuilder y = new StringBuilder("""
                apiVersion: switchboard.dev/v1alpha1
                kind: Gateway
                metadata: {name: bench-picker}
                spec: {listen: {host: 127.0.0.1, port: 0}, admin: {port: 0}, accessLog: false}
                ---
                apiVersion: aigateway.envoyproxy.io/v1beta1
                kind: AIGatewayRoute
                metadata: {name: pool}
                spec:
                  rules:
                  - backendRefs: [{group: inference.networking.k8s.io, kind: InferencePool, name: pool}]
                    timeouts: {request: 300s}
                ---
                apiVersion: inference.networking.k8s.io/v1
                kind: InferencePool
                metadata: {name: pool}
                spec:
                  selector: {matchLabels: {app: sim}}
                  targetPorts: [{number: 8000}]
                  endpointPickerRef: {name: %s, port: {number: 9002}}
                ---
                apiVersion: switchboard.dev/v1alpha1
                kind: Endpoints
                metadata: {name: sims}
                spec:
                  endpoints:
                """.formatted(profile));
        y.append(members);
        if (!document.isEmpty()) {
            y.append("---\n").append(document).append('\n');
        }
        return y.toString();
    }

    /**
     * One row per profile and stage. "prefix" is the servers' own hit rate (tokens); "miss" the share of requests
     * with less than half their prompt cached (they pay a long prefill and make the TTFT tail); "shed" the 429
     * answers (admission), counted among "failed" too.
     */
    static String table(Map<String, BenchReport> reports) {
        StringBuilder t = new StringBuilder(String.format(Locale.ROOT,
                "%-16s %6s %8s %9s %9s %9s %10s %7s %6s %6s %7s %s%n", "profile", "rate", "req/s", "ttft p50", "ttft p90",
                "ttft p99", "out tok/s", "prefix", "miss", "shed", "failed", "errors"));
        for (Map.Entry<String, BenchReport> e : reports.entrySet()) {
            for (StageReport s : e.getValue().stages()) {
                t.append(String.format(Locale.ROOT, "%-16s %6.1f %8.2f %8.0fms %8.0fms %8.0fms %10.0f %6.1f%% %5.1f%% %6d %7d %s%n",
                        e.getKey(), s.rate(), s.requestsPerSecond(), s.ttft().p50Ms(), s.ttft().p90Ms(),
                        s.ttft().p99Ms(), s.outputTokensPerSecond(),
                        s.prefixCache() == null ? Double.NaN : 100 * s.prefixCache().hitRate(), 100 * s.cacheMissShare(),
                        s.errors().getOrDefault(ErrorKind.HTTP_429.label(), 0L), s.failed(),
                        s.errors().isEmpty() ? "" : s.errors()));
            }
        }
        return t.toString();
    }

    /**
     * The target, checked: at the highest rate round-robin sustains (completes at least 90% of the offered
     * rate with no failures), predicted-ttft's TTFT p90 against round-robin's and the reference profile's.
     */
    static String verdict(Map<String, BenchReport> reports) {
        BenchReport rr = reports.get(EndpointPickerConfigLoader.ROUND_ROBIN);
        BenchReport ref = reports.get(EndpointPickerConfigLoader.REFERENCE);
        BenchReport ours = reports.get(EndpointPickerConfigLoader.PREDICTED_TTFT);
        if (rr == null || ref == null || ours == null) {
            return "";
        }
        int at = -1;
        for (int i = 0; i < rr.stages().size(); i++) {
            StageReport s = rr.stages().get(i);
            if (s.failed() == 0 && s.requestsPerSecond() >= 0.9 * s.rate()) {
                at = i;
            }
        }
        if (at < 0) {
            return "round-robin sustained none of the rates; lower --rate\n";
        }
        StageReport r = rr.stages().get(at);
        StageReport f = ref.stages().get(at);
        StageReport o = ours.stages().get(at);
        List<String> lines = new ArrayList<>();
        lines.add(String.format(Locale.ROOT, "%nat %.1f req/s, the highest rate round-robin sustains:", r.rate()));
        lines.add(String.format(Locale.ROOT, "  TTFT p90: predicted-ttft %.0f ms, round-robin %.0f ms (%.3fx, target <= 0.2),"
                + " reference %.0f ms (%.3fx, target <= 0.8)", o.ttft().p90Ms(), r.ttft().p90Ms(),
                o.ttft().p90Ms() / r.ttft().p90Ms(), f.ttft().p90Ms(), o.ttft().p90Ms() / f.ttft().p90Ms()));
        lines.add(String.format(Locale.ROOT, "  output tok/s: predicted-ttft %.0f, round-robin %.0f (%.2fx), reference %.0f (%.2fx)",
                o.outputTokensPerSecond(), r.outputTokensPerSecond(), o.outputTokensPerSecond() / r.outputTokensPerSecond(),
                f.outputTokensPerSecond(), o.outputTokensPerSecond() / f.outputTokensPerSecond()));
        return String.join("\n", lines) + "\n";
    }
}
