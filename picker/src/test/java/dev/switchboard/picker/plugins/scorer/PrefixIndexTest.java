package dev.switchboard.picker.plugins.scorer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The index's structure; the timeout only catches a hang (a broken probe loop), it measures nothing. */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class PrefixIndexTest {
    static final long MIB = 1 << 20;

    /** A 1 MiB index (about 43,700 entries); 4 characters a block; a fixed seed. */
    static PrefixIndex small() {
        return new PrefixIndex(4, 1 << 16, MIB, 42);
    }

    /** {@code n} distinct block hashes, distinct per {@code family}. */
    static long[] blocks(int family, int n) {
        long[] out = new long[n];
        for (int i = 0; i < n; i++) {
            out[i] = (family * 1_000_003L + i) * 0x9E3779B97F4A7C15L;
        }
        return out;
    }

    /** Whether {@code endpoint} holds the single block {@code hash}. */
    static boolean holds(PrefixIndex index, String endpoint, long hash) {
        return index.matched(index.matches(new long[] {hash}), endpoint) == 1;
    }

    @Test
    void aBlocksHashChangesWithAnyOneCharacterAndIsTheSameForAnyCharSequence() {
        PrefixIndex index = new PrefixIndex(64, 1024, MIB, 42);
        SplittableRandom random = new SplittableRandom(5);
        StringBuilder prompt = new StringBuilder();
        for (int i = 0; i < 64 * 40 + 17; i++) { // a partial last block too
            prompt.append((char) ('a' + random.nextInt(26)));
        }
        long[] hashes = index.hashes("m", prompt.toString());
        assertThat(hashes).hasSize(41).containsExactly(index.hashes("m", prompt)); // a StringBuilder hashes the same
        Set<Long> seen = new HashSet<>();
        for (int at = 64 * 20; at < 64 * 21; at++) { // each character of block 20, changed in its low or high byte
            for (char change : new char[] {1, 0x100}) {
                StringBuilder changed = new StringBuilder(prompt);
                changed.setCharAt(at, (char) (prompt.charAt(at) ^ change));
                long[] other = index.hashes("m", changed);
                assertThat(Arrays.copyOf(other, 20)).isEqualTo(Arrays.copyOf(hashes, 20));
                assertThat(other[20]).isNotEqualTo(hashes[20]);
                assertThat(other[40]).as("the chain carries it on").isNotEqualTo(hashes[40]);
                assertThat(seen.add(other[20])).isTrue();
            }
        }
        assertThat(index.hashes("other-model", prompt)[0]).isNotEqualTo(hashes[0]);
    }

    @Test
    void theMemoryBoundHoldsWhenEveryEndpointReportsAHugeCache() {
        PrefixIndex index = small();
        for (int round = 0; round < 4; round++) {
            for (int e = 0; e < 40; e++) {
                index.record("10.0.0." + e, blocks(round * 100 + e, 2_000), Integer.MAX_VALUE); // num_gpu_blocks 2^31-1
            }
        }
        // 320,000 blocks recorded, 2^31 asked for by each of 40 endpoints: each gets an equal share of what 1 MiB holds
        int share = (int) (index.entryBudget() / 40);
        for (int e = 0; e < 40; e++) {
            assertThat(index.share("10.0.0." + e)).isEqualTo(share);
            assertThat(index.held("10.0.0." + e)).isEqualTo(share);
        }
        assertThat(index.bytes()).isLessThanOrEqualTo(MIB);
        assertThat(index.peakBytes()).as("growth included").isLessThanOrEqualTo(MIB);
        index.checkInvariants();
    }

    @Test
    void theDefaultBoundHoldsUnderHostileReportsToo() {
        PrefixIndex index = new PrefixIndex(64, 256, PrefixCacheScorer.DEFAULT_MAX_INDEX_BYTES, 42);
        for (int chunk = 0; chunk < 400; chunk++) { // 4 endpoints x 1,000,000 blocks
            index.record("10.0.0." + chunk % 4, blocks(chunk, 10_000), Integer.MAX_VALUE);
        }
        assertThat(index.held("10.0.0.0")).isEqualTo((int) (index.entryBudget() / 4)).isLessThan(1_000_000);
        assertThat(index.peakBytes()).isLessThanOrEqualTo(PrefixCacheScorer.DEFAULT_MAX_INDEX_BYTES);
        assertThat(index.entryBudget()).as("100 endpoints x 30,000 blocks fit").isGreaterThanOrEqualTo(3_000_000);
        index.checkInvariants();
    }

    @Test
    void endpointsAskingForLessKeepAllOfItBesideOneReportingAHugeCache() {
        PrefixIndex index = small();
        for (int e = 0; e < 3; e++) {
            index.record("honest-" + e, blocks(e, 6_000), 5_000);
        }
        index.record("huge", blocks(9, 60_000), Integer.MAX_VALUE);
        for (int e = 0; e < 3; e++) {
            assertThat(index.share("honest-" + e)).isEqualTo(5_000);
            assertThat(index.held("honest-" + e)).isEqualTo(5_000);
        }
        assertThat(index.share("huge")).isEqualTo((int) index.entryBudget() - 15_000);
        index.checkInvariants();
    }

    @Test
    void anEndpointForgetsItsLeastRecentlyRecordedBlocksFirst() {
        PrefixIndex index = small();
        long[] h = blocks(1, 5);
        // recorded last to first: h2 is the least recently used of the three, h0 the most (vLLM frees tails first)
        index.record("a", new long[] {h[0], h[1], h[2]}, 3);
        index.record("a", new long[] {h[1]}, 3); // used again: now the most recent
        index.record("a", new long[] {h[3]}, 3); // evicts h2, the least recently used
        index.record("a", new long[] {h[4]}, 3); // evicts h0
        assertThat(holds(index, "a", h[0])).isFalse();
        assertThat(holds(index, "a", h[1])).isTrue();
        assertThat(holds(index, "a", h[2])).isFalse();
        assertThat(holds(index, "a", h[3]) && holds(index, "a", h[4])).isTrue();
        // a prompt longer than the capacity keeps its first blocks (before: its last, a chain nothing can match)
        index.record("b", h, 2);
        assertThat(index.held("b")).isEqualTo(2);
        assertThat(index.matched(index.matches(h), "b")).isEqualTo(2);
        assertThat(holds(index, "b", h[2]) || holds(index, "b", h[4])).isFalse();
        index.checkInvariants();
    }

    @Test
    void aChainIsForgottenFromItsTailAsVllmEvictsSoWhatIsLeftStillMatches() {
        PrefixIndex index = small();
        long[] older = blocks(20, 6);
        long[] newer = blocks(21, 4);
        index.record("a", older, 8);
        index.record("a", newer, 8); // 10 blocks, capacity 8: the older prompt's last two go
        assertThat(index.matched(index.matches(older), "a")).isEqualTo(4);
        assertThat(index.matched(index.matches(newer), "a")).isEqualTo(4);
        index.record("a", blocks(22, 3), 8); // three more: the older prompt keeps its first block only
        assertThat(index.matched(index.matches(older), "a")).isEqualTo(1);
        assertThat(index.held("a")).isEqualTo(8);
        index.checkInvariants();
    }

    @Test
    void aSharedPrefixOutlivesTheTailsOfThePromptsThatShareIt() {
        PrefixIndex index = small();
        long[] system = blocks(23, 3);
        long[] first = concat(system, blocks(24, 3));
        long[] second = concat(system, blocks(25, 3));
        index.record("a", first, 9);
        index.record("a", second, 9); // 9 blocks held: the system prompt once, both tails
        index.record("a", blocks(26, 3), 9); // evicts first's tail, the oldest, not the system prompt it shares
        assertThat(index.matched(index.matches(first), "a")).isEqualTo(3);
        assertThat(index.matched(index.matches(second), "a")).isEqualTo(6);
        index.checkInvariants();
    }

    static long[] concat(long[] a, long[] b) {
        long[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    @Test
    void theLruOrderSurvivesTheTableGrowing() {
        PrefixIndex index = small();
        long[] h = blocks(2, 30_000);
        for (int from = 0; from < h.length; from += 1_000) { // the segments grow several times on the way
            index.record("a", Arrays.copyOfRange(h, from, from + 1_000), 30_000);
        }
        // each chunk was recorded last to first: h0 is the newest of the first chunk, h999 its oldest and the LRU's
        index.record("a", new long[] {h[999]}, 30_000);
        index.record("a", blocks(3, 2), 30_000); // two new blocks: h998 and h997 go, h999 was used again
        assertThat(holds(index, "a", h[999])).isTrue();
        assertThat(holds(index, "a", h[998]) || holds(index, "a", h[997])).isFalse();
        assertThat(holds(index, "a", h[996])).isTrue();
        assertThat(index.matched(index.matches(Arrays.copyOfRange(h, 0, 997)), "a")).isEqualTo(997);
        assertThat(index.matched(index.matches(Arrays.copyOfRange(h, 1_000, 30_000)), "a")).isEqualTo(29_000);
        assertThat(index.peakBytes()).isLessThanOrEqualTo(MIB);
        index.checkInvariants();
    }

    @Test
    void removingAnEndpointForgetsItsBlocksReturnsItsShareAndFreesItsId() {
        PrefixIndex index = small();
        long[] shared = blocks(4, 2);
        index.record("a", shared, Integer.MAX_VALUE);
        index.record("b", shared, Integer.MAX_VALUE);
        assertThat(index.share("b")).isEqualTo((int) (index.entryBudget() / 2));
        index.remove("a");
        int[] counts = index.matches(shared);
        assertThat(index.matched(counts, "a")).isZero();
        assertThat(index.matched(counts, "b")).isEqualTo(2);
        assertThat(index.held("a")).isEqualTo(-1);
        assertThat(index.share("b")).as("b's share grows back").isEqualTo((int) index.entryBudget());
        index.record("c", blocks(5, 1), 100); // takes a's id, none of a's blocks
        assertThat(index.matched(index.matches(shared), "c")).isZero();
        index.remove("never-seen"); // nothing to do
        index.checkInvariants();
    }

    @Test
    void manyEndpointsShareOneHotBlockAndTheOneTooManyIsNotRemembered() {
        PrefixIndex index = new PrefixIndex(4, 256, PrefixCacheScorer.DEFAULT_MAX_INDEX_BYTES, 42);
        long hot = blocks(6, 1)[0];
        for (int e = 1; e <= BlockTable.MAX_ID; e++) {
            index.record("e" + e, new long[] {hot, blocks(7 + e, 1)[0]}, 10);
        }
        int[] counts = index.matches(new long[] {hot});
        for (int e = 1; e <= BlockTable.MAX_ID; e++) {
            assertThat(index.matched(counts, "e" + e)).isEqualTo(1);
        }
        index.record("one-too-many", new long[] {hot}, 10);
        assertThat(index.held("one-too-many")).isEqualTo(-1);
        index.remove("e7");
        index.record("one-too-many", new long[] {hot}, 10);
        assertThat(index.held("one-too-many")).isEqualTo(1);
        index.checkInvariants();
    }

    @Test
    void concurrentRecordsRemovalsAndLookupsKeepTheIndexConsistent() throws Exception {
        PrefixIndex index = new PrefixIndex(4, 256, MIB, 7);
        // two families of endpoints and prompts: an endpoint is only ever sent its own family's prompts, so a lookup
        // that credits it with a block of the other family read a torn or misplaced entry
        List<List<long[]>> prompts = List.of(new ArrayList<>(), new ArrayList<>());
        for (int f = 0; f < 2; f++) {
            for (int p = 0; p < 50; p++) {
                prompts.get(f).add(index.hashes("m" + f, ("system " + f + "/" + p % 5 + " ").repeat(12) + p));
            }
        }
        String[][] endpoints = new String[2][20];
        for (int e = 0; e < 20; e++) {
            endpoints[0][e] = "x" + e;
            endpoints[1][e] = "y" + e;
            index.record("y" + e, prompts.get(1).get(0), 1_000); // y ids are given first and never freed
        }
        int[] capacities = {50, 500, 5_000, Integer.MAX_VALUE};
        Queue<Throwable> failures = new ConcurrentLinkedQueue<>();
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        for (int t = 0; t < 4; t++) {
            SplittableRandom random = new SplittableRandom(t);
            pool.execute(() -> {
                try {
                    start.await();
                    for (int i = 0; i < 10_000; i++) {
                        int f = random.nextInt(2);
                        long[] hashes = prompts.get(f).get(random.nextInt(50));
                        int[] counts = index.matches(hashes);
                        for (int e = 0; e < 20; e++) {
                            int mine = index.matched(counts, endpoints[f][e]);
                            if (mine < 0 || mine > hashes.length) {
                                throw new AssertionError(endpoints[f][e] + " holds " + mine + " of " + hashes.length);
                            }
                            if (index.matched(counts, endpoints[1 - f][e]) != 0) {
                                throw new AssertionError(endpoints[1 - f][e] + " credited with a block not sent to it");
                            }
                        }
                        String to = endpoints[f][random.nextInt(20)];
                        if (f == 0 && random.nextInt(500) == 0) {
                            index.remove(to);
                        } else {
                            index.record(to, hashes, capacities[random.nextInt(capacities.length)]);
                        }
                    }
                } catch (Throwable e) {
                    failures.add(e);
                }
            });
        }
        start.countDown();
        pool.shutdown();
        assertThat(pool.awaitTermination(2, TimeUnit.MINUTES)).as("no thread hangs").isTrue();
        assertThat(failures).isEmpty();
        index.record("x0", prompts.get(0).get(0), 50); // uncontended: applies whatever is still queued
        index.checkInvariants();
        assertThat(index.peakBytes()).isLessThanOrEqualTo(MIB);
    }
}
