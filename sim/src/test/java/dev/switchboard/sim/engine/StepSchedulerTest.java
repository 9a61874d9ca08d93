package dev.switchboard.sim.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class StepSchedulerTest {

    @Test
    void aPrefixHitShortensTimeToFirstToken() {
        ModelledRun run = new ModelledRun(ModelledRun.config(16, 2048, 4096, 1));
        long[] prompt = ModelledRun.prompt(4000, 7);
        ModelledRun.Recorder cold = run.submit(prompt, 4, null);
        run.runUntilIdle(1000);
        ModelledRun.Recorder warm = run.submit(prompt, 4, null);
        run.runUntilIdle(1000);

        assertThat(cold.cachedTokens).isZero();
        // every full block but the one holding the last token is reused: 4000 tokens = 250 blocks of 16
        assertThat(warm.cachedTokens).isEqualTo(249 * 16);
        assertThat(warm.ttft()).isLessThan(cold.ttft() / 5);
        assertThat(run.metrics.prefixHits.sum()).isEqualTo(249 * 16);
        assertThat(run.metrics.prefixQueries.sum()).isEqualTo(8000);
    }

    @Test
    void aPrefixIsSharedOnlyOnTheSameWeights() {
        ModelledRun run = new ModelledRun(ModelledRun.config(16, 2048, 4096, 2));
        long[] prompt = ModelledRun.prompt(1000, 3);
        run.submit(prompt, 2, "adapter-a");
        run.runUntilIdle(1000);
        ModelledRun.Recorder other = run.submit(prompt, 2, "adapter-b");
        ModelledRun.Recorder same = run.submit(prompt, 2, "adapter-a");
        run.runUntilIdle(1000);

        assertThat(other.cachedTokens).isZero();
        assertThat(same.cachedTokens).isGreaterThan(900);
    }

    @Test
    void kvUsageRisesWithRunningTokensAndFallsAfter() {
        ModelledRun run = new ModelledRun(ModelledRun.config(64, 4096, 2048, 1));
        List<Double> usage = new ArrayList<>();
        run.afterStep = n -> usage.add(run.scheduler.kv.usage());
        for (int i = 0; i < 8; i++) {
            run.submit(ModelledRun.prompt(500, 100 + i), 200, null);
        }
        run.runUntilIdle(10_000);

        double peak = usage.stream().mapToDouble(Double::doubleValue).max().orElseThrow();
        // 8 sequences x 700 tokens = 350 blocks of 2048 at the peak
        assertThat(peak).isGreaterThan(0.15).isLessThanOrEqualTo(1.0);
        // usage grows while the sequences decode (more tokens, more blocks) ...
        int peakAt = usage.indexOf(peak);
        assertThat(usage.get(peakAt / 2)).isLessThan(peak);
        assertThat(usage.get(1)).isLessThan(peak);
        // ... and drops to zero when they are done, though their prompt blocks stay cached
        assertThat(run.scheduler.kv.usage()).isZero();
        assertThat(run.scheduler.kv.usedBlocks()).isZero();
        assertThat(run.scheduler.kv.freeBlocks()).isEqualTo(2048);
    }

    @Test
    void waitsWhenKvIsFullAndPreemptsTheNewestWhenDecodesOutgrowIt() {
        // 64 blocks = 1024 tokens: four 200-token prompts fit, but not with 300 output tokens each
        ModelledRun run = new ModelledRun(ModelledRun.config(8, 4096, 64, 1));
        List<ModelledRun.Recorder> all = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            all.add(run.submit(ModelledRun.prompt(200, 50 + i), 300, null));
        }
        run.afterStep = n -> assertThat(run.scheduler.kv.usedBlocks()).isLessThanOrEqualTo(64);
        run.runUntilIdle(100_000);

        assertThat(run.metrics.preemptions.sum()).isPositive();
        assertThat(all).allSatisfy(r -> {
            assertThat(r.outputTokens).isEqualTo(300);
            assertThat(r.reason).isEqualTo("length");
        });
        assertThat(run.scheduler.kv.usedBlocks()).isZero();
    }

    @Test
    void theLoraSlotLimitHolds() {
        ModelledRun run = new ModelledRun(ModelledRun.config(16, 2048, 4096, 1));
        run.afterStep = n -> assertThat(run.scheduler.loras.active()).hasSizeLessThanOrEqualTo(1);
        ModelledRun.Recorder a = run.submit(ModelledRun.prompt(100, 1), 50, "lora-a");
        ModelledRun.Recorder b = run.submit(ModelledRun.prompt(100, 2), 50, "lora-b");
        ModelledRun.Recorder a2 = run.submit(ModelledRun.prompt(100, 3), 50, "lora-a");
        ModelledRun.Recorder base = run.submit(ModelledRun.prompt(100, 4), 50, null);
        run.step();

        // b cannot join a's batch; a2 (same adapter) and the base model can, skipping past b
        assertThat(run.scheduler.loras.active()).containsExactly("lora-a");
        assertThat(run.scheduler.waitingAdapters()).containsExactly("lora-b");
        run.runUntilIdle(10_000);
        assertThat(b.tokenTimes.get(0)).isGreaterThanOrEqualTo(Math.max(a.finishedAt, a2.finishedAt));
        assertThat(base.tokenTimes.get(0)).isLessThan(a.finishedAt);
    }

    @Test
    void aLongPrefillSlowsTheDecodesInItsBatch() {
        ModelledRun run = new ModelledRun(ModelledRun.config(16, 2048, 4096, 1));
        ModelledRun.Recorder decoder = run.submit(ModelledRun.prompt(50, 1), 40, null);
        for (int i = 0; i < 10; i++) {
            run.step();
        }
        long quietGap = decoder.maxGap();
        run.submit(ModelledRun.prompt(6000, 2), 2, null); // three 2048-token prefill chunks
        run.runUntilIdle(10_000);

        assertThat(decoder.maxGap()).isGreaterThan(quietGap * 5);
    }

    @Test
    void queueingDelaysLaterRequestsWhenSlotsAreFull() {
        ModelledRun run = new ModelledRun(ModelledRun.config(2, 2048, 4096, 1));
        List<ModelledRun.Recorder> all = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            all.add(run.submit(ModelledRun.prompt(100, i), 20, null));
        }
        run.runUntilIdle(10_000);

        // the third and fourth only start when the first two finish
        assertThat(all.get(2).tokenTimes.get(0)).isGreaterThanOrEqualTo(all.get(0).finishedAt);
        assertThat(all.get(3).ttft()).isGreaterThan(all.get(1).ttft() * 5);
    }

    @Test
    void aPoolingRequestEndsAfterItsPrefill() {
        ModelledRun run = new ModelledRun(ModelledRun.config(4, 2048, 256, 1));
        ModelledRun.Recorder r = run.submit(ModelledRun.prompt(300, 1), 0, null);
        run.runUntilIdle(100);

        assertThat(r.tokenTimes).isEmpty();
        assertThat(r.finishedAt).isPositive();
        assertThat(r.reason).isEqualTo("stop");
    }

    @Test
    void aCancelledSequenceReleasesItsBlocks() {
        ModelledRun run = new ModelledRun(ModelledRun.config(4, 2048, 256, 1));
        run.submit(ModelledRun.prompt(300, 1), 100, null);
        run.step();
        assertThat(run.scheduler.kv.usedBlocks()).isPositive();
        run.scheduler.running.get(0).cancelled = true;
        run.scheduler.plan(run.now);

        assertThat(run.scheduler.idle()).isTrue();
        assertThat(run.scheduler.kv.usedBlocks()).isZero();
        assertThat(run.metrics.finishedAbort.sum()).isEqualTo(1);
    }
}
