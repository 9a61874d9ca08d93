package dev.switchboard.cli;

import dev.switchboard.bench.Bench;
import dev.switchboard.bench.BenchConfig;
import dev.switchboard.bench.scenario.LoraMixSpec;
import dev.switchboard.bench.scenario.ModelWeight;
import dev.switchboard.bench.scenario.MultiTurnSpec;
import dev.switchboard.bench.scenario.RandomSpec;
import dev.switchboard.bench.scenario.SharedPrefixSpec;
import dev.switchboard.bench.scenario.TokenRange;
import dev.switchboard.bench.scenario.WorkloadSpec;
import dev.switchboard.core.config.Durations;
import java.io.Console;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code switchboard bench}: maps the command line onto a {@link BenchConfig} and runs {@link Bench}. Invalid input is
 * one line on stderr and exit code 2; a run that completed exits 0 even when requests failed (they are in the report).
 */
@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"LLM load generator for any OpenAI-compatible server: open-loop (Poisson) or closed-loop load in "
                + "stages, streamed responses, TTFT / inter-token / end-to-end latency, throughput, errors by kind, and the "
                + "prefix-cache hit rate read from vLLM metrics.", "",
            "Example: switchboard bench --url http://127.0.0.1:8000 --preset gie-prefix --rate 2,4,8 --stage-duration 60s", ""})
final class BenchCommand implements Callable<Integer> {
    /** Stands for an option not given, so that Map.of (which refuses nulls) can list them. */
    private static final Object NONE = new Object();

    @Option(names = "--url", required = true, description = "Target base URL, e.g. http://127.0.0.1:8000 (a trailing /v1 is"
            + " fine). Repeat it to spread requests round-robin over several targets of the same path (gateway"
            + " replicas, as a Service would).")
    List<String> urls = new ArrayList<>();
    @Option(names = "--api", defaultValue = "chat", description = "chat or completions (default: ${DEFAULT-VALUE}).")
    String api;
    @Option(names = "--model", description = "Model to request (default: the first one listed at /v1/models).")
    String model;
    @Option(names = "--api-key", description = "Sent as 'Authorization: Bearer' to the target only.")
    String apiKey;
    @Option(names = "--api-key-env", paramLabel = "VAR", description = "Read the API key from this environment variable instead.")
    String apiKeyEnv;
    @Option(names = "--header", paramLabel = "NAME:VALUE", description = "Extra request header; repeatable.")
    List<String> headers = List.of();

    @Option(names = "--rate", split = ",", paramLabel = "QPS", description = "Open loop: Poisson arrivals, one stage per rate, e.g. 2,4,8.")
    List<Double> rates = List.of();
    @Option(names = "--concurrency", split = ",", paramLabel = "N",
            description = "Closed loop: requests always in flight, one stage per value (default: " + BenchConfig.DEFAULT_CONCURRENCY + ").")
    List<Integer> concurrency = List.of();
    @Option(names = "--stage-duration", converter = DurationConverter.class,
            description = "How long each stage issues requests, e.g. 30s, 2m (default: 30s unless --requests/--duration bound a single stage).")
    Duration stageDuration;
    @Option(names = "--duration", converter = DurationConverter.class, description = "Cap on the whole run, e.g. 10m.")
    Duration duration;
    @Option(names = "--requests", defaultValue = "0", description = "Cap on requests over the whole run (0 = none).")
    long requests;
    @Option(names = "--requests-per-stage", defaultValue = "0", description = "Cap on requests per stage (0 = none).")
    long requestsPerStage;
    @Option(names = "--timeout", converter = DurationConverter.class, defaultValue = "300s",
            description = "Per-request timeout, connect to last byte (default: ${DEFAULT-VALUE}).")
    Duration timeout;
    @Option(names = "--no-stream", description = "Ask for whole responses instead of SSE streams (no TTFT or ITL then).")
    boolean noStream;

    @Option(names = "--workload", description = "random, shared-prefix, lora-mix or multi-turn (default: random, or shared-prefix with --preset).")
    String workload;
    @Option(names = "--preset", description = "gie-prefix: shared-prefix, 150 groups x 5 prompts, 6000-token system prompts, "
            + "1200-token questions, 1000 output tokens (the Gateway API Inference Extension's short-questions__many-system-prompts).")
    String preset;
    @Option(names = "--groups", description = "shared-prefix: system prompts (default: 8).")
    Integer groups;
    @Option(names = "--prompts-per-group", description = "shared-prefix: questions per system prompt (default: 8).")
    Integer promptsPerGroup;
    @Option(names = "--system-tokens", description = "shared-prefix / multi-turn: system prompt length (default: 2000 / 0).")
    Integer systemTokens;
    @Option(names = "--question-tokens", description = "shared-prefix / multi-turn: question length (default: 200 / 100).")
    Integer questionTokens;
    @Option(names = "--input-tokens", paramLabel = "N|MIN:MAX", description = "random / lora-mix: prompt length (default: 100:1000).")
    String inputTokens;
    @Option(names = "--output-tokens", paramLabel = "N|MIN:MAX",
            description = "Output length, sent as max_tokens with ignore_eos (default: 50:500 random, 200 shared-prefix, 100 multi-turn).")
    String outputTokens;
    @Option(names = "--lora-mix", paramLabel = "NAME:WEIGHT,...", description = "lora-mix: models by weight, e.g. lora-a:60,lora-b:30,lora-c:10.")
    String loraMix;
    @Option(names = "--conversations", description = "multi-turn: conversations (default: 8).")
    Integer conversations;
    @Option(names = "--turns", description = "multi-turn: turns per conversation (default: 5).")
    Integer turns;

    @Option(names = "--seed", defaultValue = "0", description = "Seed for prompts, lengths, model picks and arrivals (default: ${DEFAULT-VALUE}).")
    long seed;
    @Option(names = "--metrics-url", paramLabel = "URL",
            description = "Extra Prometheus endpoint for prefix-cache counters (pool members behind a gateway); repeatable.")
    List<String> metricsUrls = List.of();
    @Option(names = "--json", description = "Print the report as JSON on stdout instead of a table.")
    boolean json;

    @Override
    public Integer call() throws InterruptedException {
        BenchConfig config;
        try {
            config = config();
        } catch (IllegalArgumentException e) {
            System.err.println("switchboard bench: " + e.getMessage());
            return 2;
        }
        try {
            Bench.run(config, System.out, terminal() ? System.err : null);
        } catch (IllegalStateException e) {
            System.err.println("switchboard bench: " + e.getMessage());
            return 1;
        }
        return 0;
    }

    BenchConfig config() {
        if (!rates.isEmpty() && !concurrency.isEmpty()) {
            throw new IllegalArgumentException("use either --rate (open loop) or --concurrency (closed loop), not both");
        }
        BenchConfig.Builder b = BenchConfig.builder().api(BenchConfig.Api.parse(api)).model(model)
                .apiKey(apiKey()).stageDuration(stageDuration).duration(duration).requests(requests)
                .requestsPerStage(requestsPerStage).timeout(timeout).stream(!noStream).workload(workload()).seed(seed)
                .json(json);
        urls.forEach(b::addUrl);
        rates.forEach(b::rates);
        concurrency.forEach(b::concurrency);
        for (String h : headers) {
            int colon = h.indexOf(':');
            if (colon <= 0) {
                throw new IllegalArgumentException("--header must be NAME:VALUE, got '" + h + "'");
            }
            b.header(h.substring(0, colon).strip(), h.substring(colon + 1).strip());
        }
        metricsUrls.forEach(b::metricsUrl);
        return b.build();
    }

    private String apiKey() {
        if (apiKeyEnv == null) {
            return apiKey;
        }
        if (apiKey != null) {
            throw new IllegalArgumentException("use either --api-key or --api-key-env, not both");
        }
        String value = System.getenv(apiKeyEnv);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("--api-key-env: environment variable " + apiKeyEnv + " is not set");
        }
        return value.strip();
    }

    WorkloadSpec workload() {
        String name = workloadName();
        rejectOptionsNotFor(name);
        return switch (name) {
            case SharedPrefixSpec.NAME -> {
                SharedPrefixSpec d = preset != null ? SharedPrefixSpec.GIE_PREFIX : SharedPrefixSpec.DEFAULTS;
                yield new SharedPrefixSpec(or(groups, d.groups()), or(promptsPerGroup, d.promptsPerGroup()),
                        or(systemTokens, d.systemTokens()), or(questionTokens, d.questionTokens()), output(d.outputTokens()));
            }
            case LoraMixSpec.NAME -> {
                if (loraMix == null) {
                    throw new IllegalArgumentException("--workload lora-mix needs --lora-mix, e.g. lora-a:60,lora-b:30,lora-c:10");
                }
                yield new LoraMixSpec(ModelWeight.parseMix(loraMix), input(), output(RandomSpec.DEFAULTS.outputTokens()));
            }
            case MultiTurnSpec.NAME -> {
                MultiTurnSpec d = MultiTurnSpec.DEFAULTS;
                yield new MultiTurnSpec(or(conversations, d.conversations()), or(turns, d.turns()),
                        or(systemTokens, d.systemTokens()), or(questionTokens, d.questionTokens()), output(d.outputTokens()));
            }
            default -> new RandomSpec(input(), output(RandomSpec.DEFAULTS.outputTokens()));
        };
    }

    /** --workload, or what --preset implies; random by default. */
    private String workloadName() {
        String name = workload == null ? null : workload.strip().toLowerCase(Locale.ROOT);
        if (preset != null) {
            if (!preset.equals(SharedPrefixSpec.GIE_PRESET)) {
                throw new IllegalArgumentException("unknown --preset '" + preset + "': expected " + SharedPrefixSpec.GIE_PRESET);
            }
            if (name != null && !name.equals(SharedPrefixSpec.NAME)) {
                throw new IllegalArgumentException("--preset " + preset + " is a shared-prefix workload, not " + name);
            }
            return SharedPrefixSpec.NAME;
        }
        return name == null ? RandomSpec.NAME : name;
    }

    /** A workload option given for a workload that ignores it is a mistake worth naming. */
    private void rejectOptionsNotFor(String name) {
        Map<String, Object> foreign = switch (name) {
            case SharedPrefixSpec.NAME -> Map.of("--input-tokens", opt(inputTokens), "--lora-mix", opt(loraMix),
                    "--conversations", opt(conversations), "--turns", opt(turns));
            case RandomSpec.NAME -> Map.of("--groups", opt(groups), "--prompts-per-group", opt(promptsPerGroup),
                    "--system-tokens", opt(systemTokens), "--question-tokens", opt(questionTokens), "--lora-mix", opt(loraMix),
                    "--conversations", opt(conversations), "--turns", opt(turns));
            case LoraMixSpec.NAME -> Map.of("--groups", opt(groups), "--prompts-per-group", opt(promptsPerGroup),
                    "--system-tokens", opt(systemTokens), "--question-tokens", opt(questionTokens),
                    "--conversations", opt(conversations), "--turns", opt(turns));
            case MultiTurnSpec.NAME -> Map.of("--groups", opt(groups), "--prompts-per-group", opt(promptsPerGroup),
                    "--input-tokens", opt(inputTokens), "--lora-mix", opt(loraMix));
            default -> throw new IllegalArgumentException("unknown --workload '" + name
                    + "': expected random, shared-prefix, lora-mix or multi-turn");
        };
        for (Map.Entry<String, Object> e : foreign.entrySet()) {
            if (e.getValue() != NONE) {
                throw new IllegalArgumentException(e.getKey() + " does not apply to --workload " + name);
            }
        }
    }

    private static Object opt(Object value) {
        return value == null ? NONE : value;
    }

    private static int or(Integer value, int fallback) {
        return value == null ? fallback : value;
    }

    private TokenRange input() {
        return inputTokens == null ? RandomSpec.DEFAULTS.inputTokens() : parseRange("--input-tokens", inputTokens);
    }

    private TokenRange output(TokenRange fallback) {
        return outputTokens == null ? fallback : parseRange("--output-tokens", outputTokens);
    }

    private static TokenRange parseRange(String flag, String text) {
        try {
            return TokenRange.parse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(flag + ": " + e.getMessage());
        }
    }

    /** True when a person is watching: on JDK 22+ System.console() exists even when redirected, so ask it. */
    static boolean terminal() {
        Console console = System.console();
        if (console == null) {
            return false;
        }
        try {
            return (Boolean) Console.class.getMethod("isTerminal").invoke(console);
        } catch (ReflectiveOperationException e) {
            return true; // JDK 21: a console is only returned for a terminal
        }
    }

    /** Durations as in configuration files ({@code 500ms}, {@code 30s}, {@code 2m}, {@code 1h30m}); a bare number is seconds. */
    static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            String v = value.strip();
            try {
                return Durations.parse(!v.isEmpty() && v.chars().allMatch(Character::isDigit) ? v + "s" : v);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException("'" + value + "' is not a duration: use e.g. 500ms, 30s, 2m or 1h");
            }
        }
    }
}
