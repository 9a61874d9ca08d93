package dev.switchboard.sim.engine;

import java.util.Map;
import java.util.TreeMap;

/**
 * The constants of the step-time model (see {@link StepScheduler}): how long one engine step takes on the GPU being
 * modelled, and how much KV cache it has.
 *
 * @param stepBaseMicros        fixed cost of a step: reading the weights once, launch overheads (µs)
 * @param perDecodeSeqMicros    extra cost per sequence decoding in the step (µs)
 * @param perPrefillTokenMicros cost per prompt token prefilled in the step (µs); 1e6 / this = prefill tokens/s
 * @param perContextTokenNanos  attention cost per token of context held by the step's sequences (ns)
 * @param jitter                relative standard deviation of a step's duration (0 = none)
 * @param kvBlocks              KV cache size in blocks
 * @param blockSize             tokens per KV block
 */
public record LatencyProfile(
        double stepBaseMicros,
        double perDecodeSeqMicros,
        double perPrefillTokenMicros,
        double perContextTokenNanos,
        double jitter,
        int kvBlocks,
        int blockSize) {

    /*
     * Default profile "h100-8b": one H100 80 GB serving an 8B model in fp16 (Llama-3.1-8B shape), vLLM V1.
     * - Weights 16 GB read once per step at ~3.35 TB/s HBM bandwidth = 4.8 ms, plus scheduling and kernel launch
     *   overheads: a batch-1 decode step of ~7 ms (public vLLM single-stream figures for 8B on H100 are 6-10 ms/token).
     * - KV bytes per token: 32 layers x 8 KV heads x 128 dims x 2 (K and V) x 2 bytes = 128 KiB. Reading it per
     *   step: 128 KiB / 3.35 TB/s = ~40 ns per context token.
     * - Prefill: ~18k tokens/s on one H100 for an 8B model at large chunks (compute bound: 2 x 8e9 FLOP/token at
     *   ~300 TFLOP/s effective), so ~55 µs per prompt token.
     * - KV capacity: 0.9 x 80 GB - 16 GB weights - ~2 GB activations = ~54 GB / 128 KiB = ~430k tokens,
     *   26,880 blocks of 16 tokens.
     * These are order-of-magnitude anchors, not a measurement of any one server; every constant has a flag.
     */
    public static final LatencyProfile H100_8B = new LatencyProfile(7000, 60, 55, 40, 0.05, 26_880, 16);

    /** A small GPU (24 GB, L4/A10G class) with the same 8B model: slower steps and a KV cache that fills quickly. */
    public static final LatencyProfile L4_8B = new LatencyProfile(25_000, 150, 250, 160, 0.05, 2_048, 16);

    /** Named profiles for {@code --profile}. */
    public static final Map<String, LatencyProfile> NAMED;

    static {
        Map<String, LatencyProfile> m = new TreeMap<>();
        m.put("h100-8b", H100_8B);
        m.put("l4-8b", L4_8B);
        NAMED = Map.copyOf(m);
    }

    public LatencyProfile {
        if (stepBaseMicros < 0 || perDecodeSeqMicros < 0 || perPrefillTokenMicros < 0 || perContextTokenNanos < 0) {
            throw new IllegalArgumentException("latency constants must be >= 0");
        }
        if (jitter < 0 || jitter > 0.5) {
            throw new IllegalArgumentException("jitter must be in [0, 0.5], got " + jitter);
        }
        if (kvBlocks < 1 || blockSize < 1) {
            throw new IllegalArgumentException("kv blocks and block size must be >= 1");
        }
    }

    /** Modelled duration of a step, before jitter, in nanoseconds. */
    long stepNanos(int decodeSeqs, int prefillTokens, long contextTokens) {
        double micros = stepBaseMicros + perDecodeSeqMicros * decodeSeqs + perPrefillTokenMicros * prefillTokens
                + perContextTokenNanos * contextTokens / 1000.0;
        return (long) (micros * 1000.0);
    }

    public LatencyProfile withKv(int blocks, int size) {
        return new LatencyProfile(stepBaseMicros, perDecodeSeqMicros, perPrefillTokenMicros, perContextTokenNanos,
                jitter, blocks, size);
    }
}
