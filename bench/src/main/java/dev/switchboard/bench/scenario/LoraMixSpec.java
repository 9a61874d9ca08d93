package dev.switchboard.bench.scenario;

import java.util.List;
import java.util.stream.Collectors;

/**
 * The multi-LoRA workload: random lengths as in {@link RandomSpec}, each request naming a model (usually a LoRA
 * adapter) drawn from {@code mix} by weight.
 */
public record LoraMixSpec(List<ModelWeight> mix, TokenRange inputTokens, TokenRange outputTokens) implements WorkloadSpec {

    /** Name for {@code --workload}. */
    public static final String NAME = "lora-mix";

    public LoraMixSpec {
        if (mix == null || mix.isEmpty()) {
            throw new IllegalArgumentException("--workload lora-mix needs --lora-mix, e.g. lora-a:60,lora-b:30,lora-c:10");
        }
        mix = List.copyOf(mix);
        if (inputTokens == null || outputTokens == null) {
            throw new IllegalArgumentException("the lora-mix workload needs --input-tokens and --output-tokens");
        }
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String describe() {
        return mix.stream().map(m -> m.model() + ":" + fmt(m.weight())).collect(Collectors.joining(","))
                + ", input " + inputTokens + ", output " + outputTokens + " tokens";
    }

    private static String fmt(double w) {
        return w == Math.rint(w) ? Long.toString((long) w) : Double.toString(w);
    }

    @Override
    public Workload create(long seed, String model) {
        return new RandomWorkload(inputTokens, outputTokens, mix, seed);
    }
}
