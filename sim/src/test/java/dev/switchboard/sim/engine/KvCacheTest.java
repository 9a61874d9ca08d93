package dev.switchboard.sim.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class KvCacheTest {

    @Test
    void usageCountsBlocksHeldByRunningSequencesOnly() {
        KvCache kv = new KvCache(4, 16);
        int a = kv.allocate();
        int b = kv.allocate();
        kv.register(a, 11);
        assertThat(kv.usage()).isEqualTo(0.5);

        kv.release(a);
        kv.release(b);
        assertThat(kv.usage()).isZero();
        assertThat(kv.freeBlocks()).isEqualTo(4);
        assertThat(kv.countCached(new long[] {11, 12}, 2)).isEqualTo(1); // a is free but still cached
    }

    @Test
    void evictsTheLeastRecentlyFreedCachedBlockOnlyWhenNoPlainBlockIsLeft() {
        KvCache kv = new KvCache(3, 16);
        int a = kv.allocate();
        int b = kv.allocate();
        kv.register(a, 1);
        kv.register(b, 2);
        kv.release(a); // freed first: evicted first
        kv.release(b);

        kv.allocate(); // the plain free block
        assertThat(kv.countCached(new long[] {1}, 1)).isEqualTo(1);
        assertThat(kv.allocate()).isEqualTo(a);
        assertThat(kv.countCached(new long[] {1}, 1)).isZero();
        assertThat(kv.countCached(new long[] {2}, 1)).isEqualTo(1);
        assertThat(kv.allocate()).isEqualTo(b);
        assertThat(kv.allocate()).isEqualTo(-1);
    }

    @Test
    void pinningACachedBlockTakesItOffTheEvictionList() {
        KvCache kv = new KvCache(2, 16);
        int a = kv.allocate();
        kv.register(a, 7);
        kv.release(a);
        assertThat(kv.pin(7)).isEqualTo(a);
        assertThat(kv.freeBlocks()).isEqualTo(1);
        kv.allocate();
        assertThat(kv.allocate()).isEqualTo(-1); // a is pinned, not evictable
        assertThat(kv.countCached(new long[] {7}, 1)).isEqualTo(1);
    }

    @Test
    void countsOnlyTheLeadingRunOfCachedHashes() {
        KvCache kv = new KvCache(8, 16);
        for (long h : new long[] {1, 2, 4}) {
            kv.register(kv.allocate(), h);
        }
        assertThat(kv.countCached(new long[] {1, 2, 3, 4}, 4)).isEqualTo(2);
        assertThat(kv.countCached(new long[] {1, 2, 3, 4}, 1)).isEqualTo(1);
    }

    @Test
    void refusesToReleaseABlockTwice() {
        KvCache kv = new KvCache(2, 16);
        int a = kv.allocate();
        kv.release(a);
        assertThatThrownBy(() -> kv.release(a)).isInstanceOf(IllegalStateException.class);
    }
}
