package dev.switchboard.sim.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntConsumer;

/** Drives a {@link StepScheduler} in modelled time: exact, repeatable, no threads, no sleeping. */
final class ModelledRun {
    final StepScheduler scheduler;
    final EngineMetrics metrics = new EngineMetrics();
    final int blockSize;
    long now;
    int steps;
    /** Called after every step with the number of running sequences, to check invariants as the run goes. */
    IntConsumer afterStep = n -> { };

    ModelledRun(EngineConfig config) {
        this.scheduler = new StepScheduler(config, metrics);
        this.blockSize = config.profile().blockSize();
    }

    /** A config with no jitter and the given sizes, for tests. */
    static EngineConfig config(int maxNumSeqs, int batchedTokens, int kvBlocks, int maxLoras) {
        LatencyProfile p = new LatencyProfile(7000, 60, 55, 40, 0, kvBlocks, 16);
        return new EngineConfig(maxNumSeqs, batchedTokens, 1000, maxLoras, Math.min(16_384, kvBlocks * 16), p, 1, 1);
    }

    Recorder submit(long[] promptIds, int output, String adapter) {
        long[] hashes = BlockHasher.hash(promptIds, blockSize, adapter == null ? "base" : adapter);
        Recorder r = new Recorder(now);
        scheduler.add(new Sequence(new GenerationRequest(promptIds.length, hashes, output, output, adapter), r, now));
        return r;
    }

    /** Runs steps until nothing is left; fails if that takes more than {@code maxSteps}. */
    void runUntilIdle(int maxSteps) {
        while (!scheduler.idle()) {
            step();
            if (steps > maxSteps) {
                throw new AssertionError("engine not idle after " + maxSteps + " steps");
            }
        }
    }

    void step() {
        if (!scheduler.plan(now)) {
            throw new AssertionError("no progress possible with " + scheduler.waitingCount() + " waiting");
        }
        now += scheduler.stepNanos();
        scheduler.complete(now);
        steps++;
        afterStep.accept(scheduler.running.size());
    }

    /** Prompt of {@code n} token ids; equal {@code seed}s give equal prompts. */
    static long[] prompt(int n, long seed) {
        long[] ids = new long[n];
        for (int i = 0; i < n; i++) {
            ids[i] = seed * 1_000_003L + i;
        }
        return ids;
    }

    /** Records one sequence's events in modelled time. */
    final class Recorder implements SequenceListener {
        final long submittedAt;
        final List<Long> tokenTimes = new ArrayList<>();
        long finishedAt = -1;
        String reason;
        int outputTokens;
        int cachedTokens;

        Recorder(long submittedAt) {
            this.submittedAt = submittedAt;
        }

        @Override
        public void onToken(int index) {
            if (index != tokenTimes.size()) {
                throw new AssertionError("token " + index + " out of order");
            }
            tokenTimes.add(now);
        }

        @Override
        public void onFinish(String reason, int promptTokens, int outputTokens, int cachedTokens) {
            this.finishedAt = now;
            this.reason = reason;
            this.outputTokens = outputTokens;
            this.cachedTokens = cachedTokens;
        }

        long ttft() {
            return tokenTimes.get(0) - submittedAt;
        }

        long maxGap() {
            long max = 0;
            for (int i = 1; i < tokenTimes.size(); i++) {
                max = Math.max(max, tokenTimes.get(i) - tokenTimes.get(i - 1));
            }
            return max;
        }
    }
}
