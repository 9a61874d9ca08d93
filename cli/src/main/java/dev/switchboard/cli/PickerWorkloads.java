package dev.switchboard.cli;

import dev.switchboard.bench.scenario.MultiTurnSpec;
import dev.switchboard.bench.scenario.SharedPrefixSpec;
import dev.switchboard.bench.scenario.TokenRange;
import dev.switchboard.bench.scenario.WorkloadSpec;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * bench-picker's workloads: a named preset, each flag given overriding the preset's value. They are the issue's
 * comparison set: the reference's shared-prefix benchmark, Zipf-skewed popularity over fewer groups, code generation
 * (long repository contexts), and multi-turn chat (each turn's prompt is the conversation so far). A heterogeneous
 * pool is any of them with {@code --slow-endpoints}.
 */
final class PickerWorkloads {
    static final String SHARED_PREFIX = "shared-prefix";
    static final String ZIPF = "zipf";
    static final String CODE_GEN = "code-gen";
    static final String MULTI_TURN = "multi-turn";
    static final List<String> NAMES = List.of(SHARED_PREFIX, ZIPF, CODE_GEN, MULTI_TURN);

    /*
     * The presets, on bench-picker's pool (8 servers, 150k KV tokens each, 1.2M in all):
     * - shared-prefix: inference-perf's short-questions__many-system-prompts, 150 x 6,000-token system prompts
     *   (73% of the pool's cache) with 1,200-token questions;
     * - zipf: 200 system prompts of 6,000 tokens (the pool's whole cache), popularity 1/k (the first takes 17% of
     *   the requests, the last 0.1%): sticking to the hottest prompt's endpoint overloads it, spreading every prompt
     *   wastes the cache. 48 prompts of 3,000 tokens, tried first, fit one server's cache: every profile hit 98%;
     * - code-gen: 60 repository contexts of 12,000 tokens (60% of the cache), 400-token asks, 300-token answers:
     *   a miss costs 4x the shared-prefix one, so the price of breaking affinity is highest;
     * - multi-turn: 256 conversations of 16 turns over a 1,000-token system prompt each; each turn resends the
     *   history (up to 7,400 tokens), so its prefix is warm only where the previous turn ran. A conversation's next
     *   turn waits for its last, so at 100 req/s a conversation comes back every 2-3 s; with 1,000 conversations a
     *   short stage saw first turns only.
     */

    @Option(names = "--workload", defaultValue = SHARED_PREFIX, description = "shared-prefix, zipf, code-gen or"
            + " multi-turn (default: ${DEFAULT-VALUE}); the flags below override its values.")
    String name;

    @Option(names = "--groups", description = "System prompts (shared-prefix 150, zipf 200, code-gen 60).")
    Integer groups;

    @Option(names = "--prompts-per-group", description = "Questions per system prompt (shared-prefix 5, zipf 20,"
            + " code-gen 10).")
    Integer promptsPerGroup;

    @Option(names = "--system-tokens", description = "System prompt length (shared-prefix 6000, zipf 6000, code-gen"
            + " 12000, multi-turn 1000).")
    Integer systemTokens;

    @Option(names = "--question-tokens", description = "Question length (shared-prefix 1200, zipf 600, code-gen 400,"
            + " multi-turn 200).")
    Integer questionTokens;

    @Option(names = "--output-tokens", description = "Output length (200; code-gen 300).")
    Integer outputTokens;

    @Option(names = "--zipf", description = "Zipf exponent of the groups' popularity, 0 uniform (zipf 1.0, else 0).")
    Double zipf;

    @Option(names = "--conversations", description = "multi-turn: conversations (256).")
    Integer conversations;

    @Option(names = "--turns", description = "multi-turn: turns per conversation (16).")
    Integer turns;

    /** The workload the flags name; IllegalArgumentException with the flag at fault. */
    WorkloadSpec spec() {
        return switch (name) {
            case SHARED_PREFIX -> prefix(150, 5, 6000, 1200, 200, 0);
            case ZIPF -> prefix(200, 20, 6000, 600, 200, 1.0);
            case CODE_GEN -> prefix(60, 10, 12_000, 400, 300, 0);
            case MULTI_TURN -> new MultiTurnSpec(or(conversations, 256), or(turns, 16), or(systemTokens, 1000),
                    or(questionTokens, 200), TokenRange.of(or(outputTokens, 200)));
            default -> throw new IllegalArgumentException("unknown --workload '" + name + "'; one of "
                    + String.join(", ", NAMES));
        };
    }

    private SharedPrefixSpec prefix(int g, int p, int system, int question, int output, double s) {
        return new SharedPrefixSpec(or(groups, g), or(promptsPerGroup, p), or(systemTokens, system),
                or(questionTokens, question), TokenRange.of(or(outputTokens, output)), zipf == null ? s : zipf);
    }

    private static int or(Integer value, int preset) {
        return value == null ? preset : value;
    }
}
