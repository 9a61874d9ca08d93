package dev.switchboard.bench.scenario;

import java.util.List;
import java.util.SplittableRandom;

/** Runs {@link RandomSpec} and {@link LoraMixSpec}: a fresh prompt per request, the model drawn from a weighted mix. */
final class RandomWorkload implements Workload {
    private final TokenRange input;
    private final TokenRange output;
    private final List<ModelWeight> mix;
    /** Running sums of the mix's weights, for drawing by weight. */
    private final double[] cumulative;
    private final SplittableRandom random;

    RandomWorkload(TokenRange input, TokenRange output, List<ModelWeight> mix, long seed) {
        this.input = input;
        this.output = output;
        this.mix = List.copyOf(mix);
        this.cumulative = new double[mix.size()];
        double sum = 0;
        for (int i = 0; i < mix.size(); i++) {
            sum += mix.get(i).weight();
            cumulative[i] = sum;
        }
        this.random = new SplittableRandom(seed);
    }

    @Override
    public RequestSpec next() {
        String model = pickModel();
        String prompt = PromptText.words(random.nextLong(), input.draw(random));
        return new RequestSpec(model, List.of(ChatMessage.user(prompt)), output.draw(random), -1);
    }

    private String pickModel() {
        if (mix.size() == 1) {
            return mix.getFirst().model();
        }
        double x = random.nextDouble() * cumulative[cumulative.length - 1];
        for (int i = 0; i < cumulative.length; i++) {
            if (x < cumulative[i]) {
                return mix.get(i).model();
            }
        }
        return mix.getLast().model();
    }

    @Override
    public boolean exhausted() {
        return false;
    }
}
