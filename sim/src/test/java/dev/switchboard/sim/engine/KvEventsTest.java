package dev.switchboard.sim.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.core.kvevents.KvEvent;
import dev.switchboard.core.kvevents.KvEventBatch;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/** The engine's KV-cache events: what vLLM's block pool would publish for the same requests. */
class KvEventsTest {
    static final String MODEL = "m";

    static long[] ids(long from, int n) {
        return LongStream.range(from, from + n).toArray();
    }

    static GenerationRequest request(long[] ids) {
        return new GenerationRequest(ids.length, BlockHasher.hash(ids, 16, MODEL), 1, 1, null, ids);
    }

    /** The events published so far, once {@code count} of them have come (a step's batch follows its tokens). */
    static List<KvEvent> events(List<KvEventBatch> batches, int count) {
        await().atMost(Duration.ofSeconds(5)).until(() -> batches.stream().mapToInt(b -> b.events().size()).sum() >= count);
        return batches.stream().flatMap(b -> b.events().stream()).toList();
    }

    static void run(Engine engine, GenerationRequest r) throws Exception {
        CompletableFuture<Integer> cached = new CompletableFuture<>();
        engine.submit(r, new SequenceListener() {
            @Override
            public void onToken(int index) {}

            @Override
            public void onFinish(String reason, int promptTokens, int outputTokens, int cachedTokens) {
                cached.complete(cachedTokens);
            }
        });
        cached.get(5, TimeUnit.SECONDS);
    }

    @Test
    void storedBlocksCarryTheirHashesTokensAndParentAndAnEvictionIsTold() throws Exception {
        // 8 blocks of 16 tokens: the second prompt needs 7, so it evicts the first prompt's cached blocks
        EngineConfig config = EngineConfig.defaults().withLimits(4, 2048, 16, 1, 128)
                .withProfile(LatencyProfile.H100_8B.withKv(8, 16)).withTimeScale(0);
        List<KvEventBatch> batches = new CopyOnWriteArrayList<>();
        try (Engine engine = new Engine(config, "t")) {
            engine.publishKvEvents(batches::add);
            long[] first = ids(1, 65); // 4 full blocks and one token
            run(engine, request(first));
            events(batches, 1);
            long[] a = BlockHasher.hash(first, 16, MODEL);

            List<KvEvent> events = events(batches, 1);
            assertThat(events).hasSize(1);
            var stored = (KvEvent.BlockStored) events.get(0);
            assertThat(stored.blockHashes()).containsExactly(a);
            assertThat(stored.hasParent()).isFalse();
            assertThat(stored.tokenIds()).containsExactly(Arrays.copyOf(first, 64));
            assertThat(stored.blockSize()).isEqualTo(16);
            assertThat(stored.loraId()).isEqualTo(-1);

            batches.clear();
            run(engine, request(ids(1000, 100)));
            // 100 tokens and one generated need 7 of the 8 blocks: 4 are free, 3 of the first prompt's are evicted
            List<long[]> removed = events(batches, 4).stream()
                    .filter(e -> e instanceof KvEvent.BlockRemoved).map(e -> ((KvEvent.BlockRemoved) e).blockHashes())
                    .toList();
            // a finished sequence frees its blocks tail first, as vLLM does, so the tail is evicted first
            assertThat(removed).as("evicted, tail first").hasSize(3);
            assertThat(removed.get(0)).containsExactly(a[3]);
            assertThat(removed.get(2)).containsExactly(a[1]);
        }
    }

    @Test
    void aPromptThatExtendsACachedOneStoresOnlyItsNewBlocksUnderTheirParent() throws Exception {
        EngineConfig config = EngineConfig.defaults().withLimits(4, 2048, 16, 1, 1024)
                .withProfile(LatencyProfile.H100_8B.withKv(64, 16)).withTimeScale(0);
        List<KvEventBatch> batches = new CopyOnWriteArrayList<>();
        try (Engine engine = new Engine(config, "t")) {
            engine.publishKvEvents(batches::add);
            run(engine, request(ids(1, 33)));
            events(batches, 1);
            batches.clear();
            long[] longer = ids(1, 81);
            run(engine, request(longer));
            long[] h = BlockHasher.hash(longer, 16, MODEL);

            List<KvEvent> events = events(batches, 1);
            assertThat(events).hasSize(1);
            var stored = (KvEvent.BlockStored) events.get(0);
            assertThat(stored.hasParent()).isTrue();
            assertThat(stored.parentBlockHash()).isEqualTo(h[1]);
            assertThat(stored.blockHashes()).containsExactly(h[2], h[3], h[4]);
            assertThat(stored.tokenIds()).containsExactly(Arrays.copyOfRange(longer, 32, 80));
        }
    }
}
