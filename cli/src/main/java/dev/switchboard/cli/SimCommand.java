package dev.switchboard.cli;

import dev.switchboard.sim.SimApi;
import dev.switchboard.sim.SimConfig;
import dev.switchboard.sim.engine.EngineConfig;
import dev.switchboard.sim.engine.LatencyProfile;
import dev.switchboard.sim.server.SimServer;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code switchboard sim}: runs simulated vLLM model servers until interrupted. */
@Command(name = "sim", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Runs vLLM-compatible model-server simulators: continuous batching, chunked prefill, a paged KV",
            "cache with prefix caching, LoRA slots, vLLM metrics, failure injection and a scripted test-upstream mode.",
            "Latency comes from a step model of a GPU engine (see docs/simulator.md).",
            "Provider personalities (--api): the same engine behind OpenAI's, Anthropic's",
            "(/v1/messages; Claude on Vertex and on Bedrock), Gemini's (generateContent, Vertex)",
            "and Bedrock Converse's wire formats. With tools offered, a last user turn saying",
            "\"call <tool>\" (or a tool choice that requires one) gets a tool call; a tool",
            "result gets text."})
final class SimCommand implements Callable<Integer> {
    @Option(names = "--host", defaultValue = "127.0.0.1", description = "Address to bind (default: ${DEFAULT-VALUE}).")
    String host;
    @Option(names = "--port", defaultValue = "8000", description = "First port; endpoint i listens on port + i (default: ${DEFAULT-VALUE}).")
    int port;
    @Option(names = "--endpoints", defaultValue = "1", description = "Model servers to run, each with its own engine (default: ${DEFAULT-VALUE}).")
    int endpoints;
    @Option(names = "--model", defaultValue = SimConfig.DEFAULT_MODEL, description = "Served model name (default: ${DEFAULT-VALUE}).")
    String model;
    @Option(names = "--api", split = ",", defaultValue = "all",
            description = "Provider personalities served: openai, anthropic, gemini, bedrock or all, comma-separated (default: ${DEFAULT-VALUE}).")
    List<String> apis;
    @Option(names = "--lora-modules", split = ",", description = "LoRA adapters loaded at start, comma-separated.")
    List<String> loras = List.of();

    @Option(names = "--profile", defaultValue = "h100-8b", description = "Latency and KV profile: h100-8b, l4-8b (default: ${DEFAULT-VALUE}).")
    String profile;
    @Option(names = "--time-scale", defaultValue = "1", description = "Divide all modelled time by this; 0 = no modelled latency (default: ${DEFAULT-VALUE}).")
    double timeScale;
    @Option(names = "--max-num-seqs", defaultValue = "256", description = "Running sequences per step (default: ${DEFAULT-VALUE}).")
    int maxNumSeqs;
    @Option(names = "--max-num-batched-tokens", defaultValue = "2048", description = "Tokens computed per step (default: ${DEFAULT-VALUE}).")
    int maxBatchedTokens;
    @Option(names = "--max-waiting", defaultValue = "1024", description = "Waiting-queue bound; beyond it requests get 429 (default: ${DEFAULT-VALUE}).")
    int maxWaiting;
    @Option(names = "--max-loras", defaultValue = "1", description = "LoRA adapters per batch (default: ${DEFAULT-VALUE}).")
    int maxLoras;
    @Option(names = "--max-model-len", defaultValue = "16384", description = "Longest prompt + output in tokens (default: ${DEFAULT-VALUE}).")
    int maxModelLen;
    @Option(names = "--kv-blocks", description = "KV cache size in blocks (default: from the profile).")
    Integer kvBlocks;
    @Option(names = "--block-size", description = "Tokens per KV block (default: from the profile).")
    Integer blockSize;
    @Option(names = "--step-base-us", description = "Fixed cost of an engine step, µs.")
    Double stepBase;
    @Option(names = "--per-decode-seq-us", description = "Step cost per decoding sequence, µs.")
    Double perDecode;
    @Option(names = "--per-prefill-token-us", description = "Step cost per prefilled token, µs.")
    Double perPrefill;
    @Option(names = "--per-context-token-ns", description = "Step cost per token of context in the batch, ns.")
    Double perContext;
    @Option(names = "--jitter", description = "Relative standard deviation of step durations, 0..0.5.")
    Double jitter;
    @Option(names = "--seed", defaultValue = "0", description = "Seed for jitter and generated text (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--failure-rate", defaultValue = "0", description = "Share of requests that fail on purpose, 0..1 (default: ${DEFAULT-VALUE}).")
    double failureRate;
    @Option(names = "--failure-types", split = ",", defaultValue = "429,500,503,reset,slow",
            description = "Failures to inject: 429, 500, 503, reset, slow (default: ${DEFAULT-VALUE}).")
    List<String> failureTypes;
    @Option(names = "--slow-first-token-ms", defaultValue = "2000", description = "Delay of an injected slow first token (default: ${DEFAULT-VALUE}).")
    long slowMillis;
    @Option(names = "--mean-output-tokens", defaultValue = "128", description = "Mean output length without ignore_eos (default: ${DEFAULT-VALUE}).")
    int meanOutput;
    @Option(names = "--max-body-bytes", defaultValue = "67108864", description = "Largest request body (default: ${DEFAULT-VALUE}).")
    int maxBody;
    @Option(names = "--kv-events", paramLabel = "ZMQ-ADDRESS", description = "Publish KV-cache events as vLLM does "
            + "(msgpack over ZMQ PUB, topic kv@<host>:<port>@<model>): connect to the picker's address, e.g. "
            + "tcp://127.0.0.1:5557 (what a precise-prefix-cache-scorer binds), or bind tcp://*:<port> (one endpoint).")
    String kvEvents;

    @Override
    public Integer call() throws Exception {
        SimConfig config = config();
        SimServer server = SimServer.start(config);
        if (kvEvents != null) {
            server.publishKvEvents(kvEvents);
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stopped.countDown();
        }, "sim-shutdown"));
        List<InetSocketAddress> addrs = server.addresses();
        LatencyProfile p = config.engine().profile();
        System.out.printf("switchboard sim: %d endpoint%s serving %s on %s:%d%s%n", addrs.size(), addrs.size() == 1 ? "" : "s",
                config.model(), host, addrs.get(0).getPort(),
                addrs.size() == 1 ? "" : "-" + addrs.get(addrs.size() - 1).getPort());
        System.out.printf("  engine: profile %s, time scale %s, max-num-seqs %d, KV %d blocks x %d tokens, max-loras %d%n",
                profile, config.engine().timeScale(), config.engine().maxNumSeqs(), p.kvBlocks(), p.blockSize(),
                config.engine().maxLoras());
        System.out.printf("  try:    curl -s http://%s:%d/v1/chat/completions -H 'content-type: application/json' \\%n"
                + "            -d '{\"model\":\"%s\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"max_tokens\":8}'%n",
                host, addrs.get(0).getPort(), config.model());
        if (kvEvents != null) {
            System.out.printf("  KV events: %s%n", kvEvents);
        }
        System.out.printf("  metrics: http://%s:%d/metrics   (Ctrl-C stops)%n", host, addrs.get(0).getPort());
        System.out.flush();
        stopped.await();
        return 0;
    }

    SimConfig config() {
        LatencyProfile base = LatencyProfile.NAMED.get(profile);
        if (base == null) {
            throw new IllegalArgumentException("unknown --profile '" + profile + "': expected one of " + LatencyProfile.NAMED.keySet());
        }
        LatencyProfile p = new LatencyProfile(
                stepBase != null ? stepBase : base.stepBaseMicros(),
                perDecode != null ? perDecode : base.perDecodeSeqMicros(),
                perPrefill != null ? perPrefill : base.perPrefillTokenMicros(),
                perContext != null ? perContext : base.perContextTokenNanos(),
                jitter != null ? jitter : base.jitter(),
                kvBlocks != null ? kvBlocks : base.kvBlocks(),
                blockSize != null ? blockSize : base.blockSize());
        EngineConfig engine = new EngineConfig(maxNumSeqs, maxBatchedTokens, maxWaiting, maxLoras, maxModelLen, p, timeScale, seed);
        SimConfig d = SimConfig.defaults();
        return new SimConfig(host, port, endpoints, model, loras, engine, failureRate, failureTypes, slowMillis, meanOutput,
                d.embeddingDims(), maxBody, SimApi.parse(apis));
    }
}
