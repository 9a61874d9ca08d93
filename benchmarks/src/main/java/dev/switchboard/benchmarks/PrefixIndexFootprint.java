package dev.switchboard.benchmarks;

import dev.switchboard.picker.datalayer.EngineType;
import dev.switchboard.picker.plugins.scorer.PrefixCacheScorer;
import dev.switchboard.picker.pool.Endpoint;
import dev.switchboard.picker.scheduling.EndpointState;
import dev.switchboard.picker.scheduling.PickRequest;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The heap the prefix-cache-scorer's index keeps per indexed block (one block hash remembered for one endpoint), as
 * measured: heap used after a full GC with the index filled, minus before. Not a JMH benchmark, since JMH measures
 * time, not retained memory. Run: {@code java -cp benchmarks/target/benchmarks.jar
 * dev.switchboard.benchmarks.PrefixIndexFootprint [endpoints] [blocksPerEndpoint] [holdersPerBlock]}.
 *
 * <p>Each endpoint is recorded under {@code blocksPerEndpoint} block hashes; a hash is shared by
 * {@code holdersPerBlock} endpoints (1: every hash is held once; more: a popular prefix cached in several places).
 * Blocks are one token (4 characters) so that prompts stay small beside the index; the prompts themselves are dropped
 * before the measurement.
 */
public final class PrefixIndexFootprint {
    private PrefixIndexFootprint() {}

    public static void main(String[] args) throws InterruptedException {
        int endpoints = args.length > 0 ? Integer.parseInt(args[0]) : 100;
        int blocks = args.length > 1 ? Integer.parseInt(args[1]) : 20_000;
        int holders = args.length > 2 ? Integer.parseInt(args[2]) : 1;
        List<EndpointState> pool = new ArrayList<>();
        for (int i = 0; i < endpoints; i++) {
            pool.add(new EndpointState(new Endpoint("10.0." + (i / 250) + "." + (i % 250), 8000, Map.of(),
                    EngineType.VLLM), null, false, 0, 0));
        }
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        long before = usedAfterGc(memory);
        // autoTune off and a capacity above what is recorded: nothing is evicted
        PrefixCacheScorer scorer = new PrefixCacheScorer("p", new PrefixCacheScorer.Params(1, blocks, 1 << 26, false));
        for (int group = 0; group < endpoints / holders; group++) {
            PickRequest request = PickRequest.of("m", prompt(group, blocks), Map.of(), 0);
            scorer.score(request, pool, new double[endpoints]);
            for (int h = 0; h < holders; h++) {
                scorer.onPicked(request, pool.get(group * holders + h));
            }
        }
        long after = usedAfterGc(memory);
        long entries = (long) (endpoints / holders) * holders * blocks;
        System.out.printf("%d endpoints x %d blocks, %d holders per block: %,d entries, %,d bytes retained,"
                + " %.1f bytes per entry%n", endpoints, blocks, holders, entries, after - before,
                (after - before) / (double) entries);
        System.out.println(scorer.typedName()); // keeps the scorer reachable up to the second measurement
    }

    /** A prompt of {@code blocks} distinct 4-character blocks, distinct per group. */
    private static String prompt(int group, int blocks) {
        StringBuilder sb = new StringBuilder(blocks * 4);
        for (int b = 0; b < blocks; b++) {
            sb.append((char) ('A' + group % 26)).append((char) ('A' + group / 26 % 26))
                    .append((char) (0x4e00 + b / 1000)).append((char) (0x4e00 + b % 1000));
        }
        return sb.toString();
    }

    private static long usedAfterGc(MemoryMXBean memory) throws InterruptedException {
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            System.gc();
            Thread.sleep(50);
            used = Math.min(used, memory.getHeapMemoryUsage().getUsed());
        }
        return used;
    }
}
