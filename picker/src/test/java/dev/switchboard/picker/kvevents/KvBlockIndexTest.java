package dev.switchboard.picker.kvevents;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.core.kvevents.KvEvent;
import dev.switchboard.core.kvevents.KvEventBatch;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class KvBlockIndexTest {
    static final long[] TOKENS = {1, 2, 3, 4, 5, 6, 7, 8};
    final KvBlockIndex index = new KvBlockIndex(2, 100);
    final long[] chain = index.chain(TOKENS, 64);

    static KvEventBatch batch(KvEvent... events) {
        return new KvEventBatch(0, List.of(events), -1);
    }

    static KvEvent.BlockStored stored(long parent, long[] hashes, long[] tokens) {
        return new KvEvent.BlockStored(hashes, parent != 0, parent, tokens, 2, -1, "GPU");
    }

    @Test
    void blocksStoredInTwoRunsChainToWhatThePromptHashesTo() {
        index.apply("a", batch(stored(0, new long[] {101, 102}, Arrays.copyOfRange(TOKENS, 0, 4))));
        assertThat(index.matched("a", chain)).isEqualTo(2);
        index.apply("a", batch(stored(102, new long[] {103, 104}, Arrays.copyOfRange(TOKENS, 4, 8))));

        assertThat(chain).hasSize(4);
        assertThat(index.matched("a", chain)).isEqualTo(4);
        assertThat(index.matched("b", chain)).isZero();
        assertThat(index.knows("a")).isTrue();
        assertThat(index.knows("b")).isFalse();
        // other tokens in the second block: only the first block matches
        assertThat(index.matched("a", index.chain(new long[] {1, 2, 9, 4, 5, 6}, 64))).isEqualTo(1);
        // the engine's own hashes do not matter, only the tokens: a second server with other hashes matches too
        index.apply("b", batch(stored(0, new long[] {9001, 9002, 9003}, Arrays.copyOfRange(TOKENS, 0, 6))));
        assertThat(index.matched("b", chain)).isEqualTo(3);
    }

    @Test
    void anEvictedBlockEndsTheMatchThereAndAClearForgetsTheServer() {
        index.apply("a", batch(stored(0, new long[] {101, 102, 103, 104}, TOKENS)));
        index.apply("a", batch(new KvEvent.BlockRemoved(new long[] {103}, "GPU")));

        assertThat(index.matched("a", chain)).isEqualTo(2);
        assertThat(index.blocks("a")).isEqualTo(3);
        assertThat(index.removed()).isEqualTo(1);

        index.apply("a", batch(new KvEvent.AllBlocksCleared()));
        assertThat(index.matched("a", chain)).isZero();
        assertThat(index.blocks("a")).isZero();
        assertThat(index.knows("a")).as("still a publisher: scored precisely, as holding nothing").isTrue();

        index.apply("a", batch(stored(0, new long[] {201, 202}, Arrays.copyOf(TOKENS, 4))));
        index.clear("a");
        assertThat(index.matched("a", chain)).as("a restart forgets too").isZero();
    }

    @Test
    void whatCannotBePlacedIsSkippedNeverGuessed() {
        // a parent never heard of (events missed, or cached before we subscribed)
        index.apply("a", batch(stored(555, new long[] {103, 104}, Arrays.copyOfRange(TOKENS, 4, 8))));
        // an adapter's blocks, another block size, tokens that do not fill the blocks
        index.apply("a", batch(new KvEvent.BlockStored(new long[] {101}, false, 0, new long[] {1, 2}, 2, 3, null),
                new KvEvent.BlockStored(new long[] {101}, false, 0, new long[] {1, 2, 3, 4}, 4, -1, null),
                new KvEvent.BlockStored(new long[] {101, 102}, false, 0, new long[] {1, 2, 3}, 2, -1, null)));

        assertThat(index.matched("a", chain)).isZero();
        assertThat(index.blocks("a")).isZero();
        assertThat(index.skipped()).isEqualTo(2 + 1 + 1 + 2);
    }

    @Test
    void aServerHoldsAtMostItsCapacity() {
        KvBlockIndex small = new KvBlockIndex(2, 3);
        small.apply("a", batch(stored(0, new long[] {101, 102, 103, 104}, TOKENS)));

        assertThat(small.blocks("a")).isEqualTo(3);
        assertThat(small.skipped()).isEqualTo(1);
        assertThat(small.matched("a", small.chain(TOKENS, 64))).isEqualTo(3);
    }

    @Test
    void atMostMaxServersAreKept() {
        for (int i = 0; i < KvBlockIndex.MAX_SERVERS; i++) {
            index.apply("s" + i, batch());
        }
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> index.apply("one-more", batch(
                stored(0, new long[] {1}, new long[] {1, 2})))).hasMessageContaining("4096 servers publish already");
        assertThat(index.knows("one-more")).isFalse();
        index.apply("s7", batch(stored(0, new long[] {1}, new long[] {1, 2})));
        assertThat(index.blocks("s7")).as("the known ones go on").isEqualTo(1);
    }

    @Test
    void aPromptHasOnlyItsFullBlocksAndAtMostTheLimit() {
        assertThat(index.chain(new long[] {1, 2, 3}, 64)).hasSize(1);
        assertThat(index.chain(TOKENS, 3)).hasSize(3);
        assertThat(index.chain(TOKENS, 3)).containsExactly(Arrays.copyOf(chain, 3));
        assertThat(index.chain(new long[0], 64)).isEmpty();
    }
}
