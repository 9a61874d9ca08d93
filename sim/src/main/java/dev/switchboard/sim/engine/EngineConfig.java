package dev.switchboard.sim.engine;

/**
 * How one simulated engine (one endpoint) is sized.
 *
 * @param maxNumSeqs          running sequences per step (vLLM {@code --max-num-seqs})
 * @param maxNumBatchedTokens tokens computed per step, decode and prefill together ({@code --max-num-batched-tokens})
 * @param maxWaiting          waiting-queue bound; a request arriving at a full queue is refused (HTTP 429)
 * @param maxLoras            LoRA adapters that can run in one batch ({@code --max-loras})
 * @param maxModelLen         longest prompt + output, in tokens ({@code --max-model-len})
 * @param profile             step-time constants and KV size
 * @param timeScale           modelled time is divided by this; 0 = no modelled latency (steps run back to back)
 * @param seed                seed for jitter and generated text
 */
public record EngineConfig(
        int maxNumSeqs,
        int maxNumBatchedTokens,
        int maxWaiting,
        int maxLoras,
        int maxModelLen,
        LatencyProfile profile,
        double timeScale,
        long seed) {

    public static EngineConfig defaults() {
        return new EngineConfig(256, 2048, 1024, 1, 16_384, LatencyProfile.H100_8B, 1.0, 0);
    }

    public EngineConfig {
        require(maxNumSeqs >= 1, "max-num-seqs must be >= 1");
        require(maxNumBatchedTokens >= 1, "max-num-batched-tokens must be >= 1");
        require(maxWaiting >= 0, "max-waiting must be >= 0");
        require(maxLoras >= 0, "max-loras must be >= 0");
        require(maxModelLen >= 2, "max-model-len must be >= 2");
        require(timeScale >= 0, "time-scale must be >= 0");
        long kvTokens = (long) profile.kvBlocks() * profile.blockSize();
        require(kvTokens >= maxModelLen, "the KV cache holds " + kvTokens + " tokens (" + profile.kvBlocks() + " blocks of "
                + profile.blockSize() + "), fewer than max-model-len " + maxModelLen + ": lower --max-model-len or raise --kv-blocks");
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    public EngineConfig withProfile(LatencyProfile p) {
        return new EngineConfig(maxNumSeqs, maxNumBatchedTokens, maxWaiting, maxLoras, maxModelLen, p, timeScale, seed);
    }

    public EngineConfig withTimeScale(double scale) {
        return new EngineConfig(maxNumSeqs, maxNumBatchedTokens, maxWaiting, maxLoras, maxModelLen, profile, scale, seed);
    }

    public EngineConfig withLimits(int seqs, int batchedTokens, int waiting, int loras, int modelLen) {
        return new EngineConfig(seqs, batchedTokens, waiting, loras, modelLen, profile, timeScale, seed);
    }

    public EngineConfig withSeed(long s) {
        return new EngineConfig(maxNumSeqs, maxNumBatchedTokens, maxWaiting, maxLoras, maxModelLen, profile, timeScale, s);
    }
}
