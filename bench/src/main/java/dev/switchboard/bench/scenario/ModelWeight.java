package dev.switchboard.bench.scenario;

import java.util.ArrayList;
import java.util.List;

/**
 * One entry of a model mix: requests name {@code model} with probability {@code weight / sum of weights}.
 */
public record ModelWeight(String model, double weight) {

    public ModelWeight {
        if (model == null || model.isBlank()) {
            throw new IllegalArgumentException("a model mix entry needs a model name");
        }
        if (!(weight > 0) || Double.isInfinite(weight)) {
            throw new IllegalArgumentException("the weight of " + model + " must be a positive number, got " + weight);
        }
    }

    /** Parses {@code lora-a:60,lora-b:30,lora-c:10}; a missing weight is 1. */
    public static List<ModelWeight> parseMix(String text) {
        List<ModelWeight> mix = new ArrayList<>();
        for (String part : text.split(",")) {
            String p = part.strip();
            if (p.isEmpty()) {
                continue;
            }
            int colon = p.lastIndexOf(':');
            if (colon < 0) {
                mix.add(new ModelWeight(p, 1));
                continue;
            }
            String weight = p.substring(colon + 1).strip();
            try {
                mix.add(new ModelWeight(p.substring(0, colon).strip(), Double.parseDouble(weight)));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("bad weight '" + weight + "' in model mix entry '" + p
                        + "': expected name:weight, e.g. lora-a:60");
            }
        }
        if (mix.isEmpty()) {
            throw new IllegalArgumentException("the model mix is empty: expected name:weight,..., e.g. lora-a:60,lora-b:40");
        }
        return List.copyOf(mix);
    }
}
