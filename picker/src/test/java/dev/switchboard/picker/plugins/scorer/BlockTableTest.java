package dev.switchboard.picker.plugins.scorer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The table's lookup against the exact count, and the eviction order it relies on. */
class BlockTableTest {
    static final long MIB = 1 << 20;

    /** A chain of {@code n} block hashes, its own per {@code family}. */
    static long[] chain(long family, int n) {
        long[] out = new long[n];
        for (int i = 0; i < n; i++) {
            out[i] = (family * 1_000_003L + i + 1) * 0x9E3779B97F4A7C15L;
        }
        return out;
    }

    /** The exact answer: the blocks endpoint {@code id} holds from the first, read one by one. */
    static int exact(BlockTable table, long[] hashes, int id) {
        int b = 0;
        while (b < hashes.length && table.holds(hashes[b], id)) {
            b++;
        }
        return b;
    }

    static int[] sparse(BlockTable table, long[] hashes, int ids) {
        int[] counts = new int[ids + 1];
        table.matches(hashes, counts);
        return counts;
    }

    @Test
    void theSparseLookupIsExactOnPrefixClosedHoldings() {
        SplittableRandom random = new SplittableRandom(1);
        for (int trial = 0; trial < 200; trial++) {
            BlockTable table = new BlockTable(4 * MIB, trial);
            int n = 1 + random.nextInt(trial % 2 == 0 ? 40 : 1_100);
            long[] prompt = chain(trial, n);
            int ids = 1 + random.nextInt(120);
            int[] lengths = new int[Math.min(4, ids)]; // holders' lengths bunch on a few values, as prefixes do
            for (int i = 0; i < lengths.length; i++) {
                lengths[i] = random.nextInt(4) == 0 ? n : random.nextInt(n + 1);
            }
            for (int id = 1; id <= ids; id++) {
                int held = random.nextInt(3) == 0 ? random.nextInt(n + 1) : lengths[random.nextInt(lengths.length)];
                for (int b = 0; b < held; b++) {
                    table.put(id, prompt[b], Integer.MAX_VALUE);
                }
                table.putChain(id, chain(10_000 + id, 5), Integer.MAX_VALUE); // other prompts beside
            }
            int[] counts = sparse(table, prompt, ids);
            for (int id = 1; id <= ids; id++) {
                assertThat(counts[id]).as("trial %d, id %d of %d blocks", trial, id, n)
                        .isEqualTo(exact(table, prompt, id));
            }
        }
    }

    @Test
    void withHolesTheSparseLookupMayRunPastOneButStopsWhereAHolderReallyStops() {
        SplittableRandom random = new SplittableRandom(2);
        int overshot = 0;
        for (int trial = 0; trial < 200; trial++) {
            BlockTable table = new BlockTable(4 * MIB, trial);
            int n = 2 + random.nextInt(600);
            long[] prompt = chain(trial, n);
            int ids = 1 + random.nextInt(50);
            for (int id = 1; id <= ids; id++) {
                int held = random.nextInt(n + 1);
                for (int b = 0; b < held; b++) {
                    if (random.nextInt(100) != 0) { // 1 % of the blocks missing: holes
                        table.put(id, prompt[b], Integer.MAX_VALUE);
                    }
                }
            }
            int[] counts = sparse(table, prompt, ids);
            for (int id = 1; id <= ids; id++) {
                int c = counts[id];
                int exact = exact(table, prompt, id);
                assertThat(c).as("never below the exact count").isGreaterThanOrEqualTo(exact);
                if (c > 0) {
                    assertThat(table.holds(prompt[0], id) && table.holds(prompt[c - 1], id)).isTrue();
                }
                if (c < n) {
                    assertThat(table.holds(prompt[c], id)).as("a count ends where a block is missing").isFalse();
                }
                overshot += c > exact ? 1 : 0;
            }
        }
        assertThat(overshot).as("the approximation shows: some hole was run past").isPositive();
    }

    @Test
    void recordsKeepEveryEndpointsChainsPrefixClosedAndTheLookupExactUnderEviction() {
        SplittableRandom random = new SplittableRandom(3);
        BlockTable table = new BlockTable(MIB, 9);
        // prompts as a shared-prefix workload makes them: 6 system prompts, each with many user parts
        List<long[]> prompts = new ArrayList<>();
        for (int p = 0; p < 300; p++) {
            long[] system = chain(p % 6, 20 + 10 * (p % 6));
            long[] user = chain(1_000 + p, 1 + random.nextInt(60));
            long[] prompt = new long[system.length + user.length];
            System.arraycopy(system, 0, prompt, 0, system.length);
            for (int i = 0; i < user.length; i++) { // chained on the system prompt: distinct per prompt
                prompt[system.length + i] = user[i] ^ system[system.length - 1];
            }
            prompts.add(prompt);
        }
        int[] limits = {0, 300, 50, 1_000, 120, 4_000, 77, 2_000, 600, 25};
        for (int i = 0; i < 20_000; i++) {
            int id = 1 + random.nextInt(10);
            table.putChain(id, prompts.get(random.nextInt(prompts.size())), limits[id - 1]);
            if (random.nextInt(2_000) == 0) {
                table.trim(id, limits[id - 1] / 2);
            }
        }
        table.checkInvariants();
        for (long[] prompt : prompts) {
            int[] counts = sparse(table, prompt, 10);
            for (int id = 1; id <= 10; id++) {
                int exact = exact(table, prompt, id);
                for (int b = exact; b < prompt.length; b++) {
                    assertThat(table.holds(prompt[b], id)).as("id %d holds block %d past its run of %d", id, b, exact)
                            .isFalse();
                }
                assertThat(counts[id]).isEqualTo(exact);
            }
        }
        assertThat(table.dropped()).isZero();
    }

    @Test
    void aChainSentAgainWhileYoungIsLeftInPlaceAndStaysHeldForHalfTheCapacity() {
        BlockTable table = new BlockTable(MIB, 4);
        long[] hot = chain(1, 4);
        table.putChain(1, hot, 40);
        table.putChain(1, chain(2, 10), 40);
        table.putChain(1, hot, 40); // 14 placements since: young (<= 20), not moved
        table.putChain(1, chain(3, 26), 40); // 40 held: the list is full
        assertThat(exact(table, hot, 1)).isEqualTo(4);
        table.putChain(1, chain(4, 1), 40); // had hot been moved, chain 2's tail would go; it was not, so hot's
        assertThat(exact(table, hot, 1)).as("its tail, the oldest, goes").isEqualTo(3);
        assertThat(exact(table, chain(2, 10), 1)).isEqualTo(10);
        table.checkInvariants();
    }

    @Test
    void aChainHeldAsOneStretchMovesToTheFrontWhole() {
        BlockTable table = new BlockTable(MIB, 7);
        long[] a = chain(1, 5);
        long[] b = chain(2, 5);
        long[] c = chain(3, 5);
        table.putChain(1, a, 18);
        table.putChain(1, b, 18);
        table.putChain(1, c, 18);
        table.putChain(1, b, 18); // 10 placements since, over 18 / 2: b moves, from between a and c to the front
        table.checkInvariants();
        table.putChain(1, chain(4, 3), 18); // 18 held
        table.putChain(1, chain(5, 5), 18); // evicts a, the oldest
        assertThat(exact(table, a, 1)).isZero();
        assertThat(exact(table, c, 1)).isEqualTo(5);
        table.putChain(1, chain(6, 5), 18); // then c, which b was moved past
        assertThat(exact(table, c, 1)).isZero();
        assertThat(exact(table, b, 1)).isEqualTo(5);
        table.checkInvariants();
    }

    @Test
    void aChainNoLongerYoungOrTrimmedIsRecordedInFull() {
        BlockTable table = new BlockTable(MIB, 5);
        long[] hot = chain(1, 4);
        table.putChain(1, hot, 40);
        table.putChain(1, chain(2, 17), 40);
        table.putChain(1, hot, 40); // 21 placements since: moved to the front again
        table.putChain(1, chain(3, 19), 40); // 40 held
        table.putChain(1, chain(4, 4), 40); // evicts chain 2's last four, not hot
        assertThat(exact(table, hot, 1)).isEqualTo(4);
        assertThat(exact(table, chain(2, 17), 1)).isEqualTo(13);

        BlockTable trimmed = new BlockTable(MIB, 6);
        trimmed.putChain(1, hot, 40);
        trimmed.putChain(1, chain(2, 10), 40);
        trimmed.trim(1, 12); // hot's last two go
        trimmed.putChain(1, hot, 40); // recent, but trimmed since: recorded again in full
        assertThat(exact(trimmed, hot, 1)).isEqualTo(4);
        trimmed.checkInvariants();
    }
}
