package dev.switchboard.benchmarks;

import dev.switchboard.picker.config.EndpointPickerConfigLoader;
import dev.switchboard.picker.datalayer.EngineType;
import dev.switchboard.picker.datalayer.ModelServerMetrics;
import dev.switchboard.picker.pool.Endpoint;
import dev.switchboard.picker.scheduling.EndpointState;
import dev.switchboard.picker.scheduling.PickRequest;
import dev.switchboard.picker.scheduling.SchedulingProfile;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One picking decision with a built-in profile (the reference default: queue 2, kv-cache 2, prefix 3, max-score; and
 * Switchboard's predicted-ttft) over a pool of endpoints with varied load, for a short prompt and for a 220 KB one (the
 * Inference Extension's long-prompt complaint). The prefix index is warmed with system prompts, each recorded on
 * {@code holders} endpoints: with 1, 150 prompts spread over the pool, as a shared-prefix workload leaves it early
 * on; with all of them, as it leaves the index once every endpoint has served every system prompt (what
 * {@code bench-extproc}'s 220 KiB workload comes to), and then only as many prompts as each endpoint's cache keeps
 * whole, so that a lookup meets every holder over the whole prompt. Sample mode reports the latency distribution
 * (p50, p99) of single decisions.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx1g"})
public class PickBenchmark {
    @Param({"100"})
    int endpoints;

    @Param({"2000", "220000"})
    int promptChars;

    @Param({"reference", "predicted-ttft"})
    String profileName;

    /** Endpoints each warmed prompt is recorded on. */
    @Param({"1", "100"})
    int holders;

    /** KV-cache blocks each endpoint reports (16 tokens each): its prefix-index LRU's capacity. */
    static final int CACHE_BLOCKS = 26_880;
    /** Characters per block of both built-in profiles (16 tokens of 4 characters). */
    static final int BLOCK_CHARS = 64;
    /** The most blocks a built-in profile hashes (predicted-ttft's maxPrefixBlocksToMatch). */
    static final int MAX_BLOCKS = 1024;

    SchedulingProfile profile;
    List<EndpointState> pool;
    String[] prompts;
    SplittableRandom random;
    int next;

    @Setup
    public void setUp() {
        profile = EndpointPickerConfigLoader.builtIn(profileName);
        random = new SplittableRandom(42);
        pool = new ArrayList<>(endpoints);
        for (int i = 0; i < endpoints; i++) {
            Endpoint endpoint = new Endpoint("10.0." + (i / 250) + "." + (i % 250), 8000, Map.of(), EngineType.VLLM);
            pool.add(new EndpointState(endpoint, new ModelServerMetrics(random.nextInt(10), random.nextInt(64),
                    random.nextDouble(), 16, CACHE_BLOCKS, 1, List.of(), List.of()), true, 0, 0));
        }
        int blocks = Math.min(MAX_BLOCKS, (promptChars + BLOCK_CHARS - 1) / BLOCK_CHARS);
        // each endpoint holds prompts x holders / endpoints of them: no more than its cache keeps
        prompts = new String[(int) Math.min(150, (long) CACHE_BLOCKS * endpoints / ((long) holders * blocks))];
        for (int g = 0; g < prompts.length; g++) {
            StringBuilder sb = new StringBuilder(promptChars + 64);
            sb.append("system prompt of group ").append(g).append(": ");
            while (sb.length() < promptChars) {
                sb.append("word").append(random.nextInt(1000)).append(' ');
            }
            prompts[g] = sb.substring(0, promptChars);
            if (holders == 1) {
                profile.pick(PickRequest.of("m", prompts[g], Map.of(), 0), pool, random); // warm the prefix index
            } else {
                for (int h = 0; h < holders; h++) { // a pick among one endpoint records the prompt there
                    profile.pick(PickRequest.of("m", prompts[g], Map.of(), 0), List.of(pool.get((g + h) % endpoints)),
                            random);
                }
            }
        }
    }

    @Benchmark
    public Object pick() {
        String prompt = prompts[next++ % prompts.length];
        return profile.pick(PickRequest.of("m", prompt, Map.of(), 0), pool, random);
    }
}
