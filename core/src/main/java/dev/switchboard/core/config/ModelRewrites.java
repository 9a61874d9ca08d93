package dev.switchboard.core.config;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;

/**
 * One InferencePool's model rewrites: the rules of every {@code InferenceModelRewrite} that names the pool, merged by
 * the reference's precedence, and the weighted choice of a target model for a request. Immutable.
 */
public final class ModelRewrites {
    /*
     * Precedence (Gateway API Inference Extension, InferenceModelRewrite): a rule with an Exact match on the model
     * beats a rule with empty matches (which matches every model); between rules of the same kind the older resource
     * wins, which in a file is the earlier document, and within one resource the first rule wins. So the lookup is
     * a map from model to the first rule naming it, then the first generic rule: O(1) per request.
     *
     * Choice: weighted random over the rule's targets, as the reference's selectWeightedModel: a uniform draw in
     * [0, sum of weights) walked through the cumulative weights; targets without a weight weigh 0, and a rule whose
     * weights are all 0 picks uniformly. No allocation per choice.
     */

    /** No rewrites: every request keeps its model. */
    public static final ModelRewrites NONE = new ModelRewrites(List.of());

    /**
     * A target model of a rule.
     *
     * @param model  the model (or LoRA adapter) the request is sent as
     * @param weight its share among the rule's targets, 0 when not given
     */
    public record Target(String model, int weight) {}

    /**
     * One rule of an InferenceModelRewrite.
     *
     * @param models  models it matches exactly; empty = every model
     * @param targets where matching requests go, at least one
     * @param origin  where it was written ({@code InferenceModelRewrite/name rules[i]}), for diagnostics
     */
    public record Rule(List<String> models, List<Target> targets, String origin) {
        public Rule {
            models = List.copyOf(models);
            targets = List.copyOf(targets);
            if (targets.isEmpty()) {
                throw new IllegalArgumentException("a rewrite rule needs at least one target");
            }
        }

        /** A target by weight (uniform when every weight is 0). */
        public String choose(RandomGenerator random) {
            long total = 0;
            for (Target t : targets) {
                total += t.weight();
            }
            if (total == 0) {
                return targets.get(random.nextInt(targets.size())).model();
            }
            long draw = random.nextLong(total);
            for (Target t : targets) {
                draw -= t.weight();
                if (draw < 0) {
                    return t.model();
                }
            }
            return targets.get(targets.size() - 1).model(); // unreachable: draw < total
        }
    }

    private final List<Rule> rules;
    private final Map<String, Rule> exact;
    private final Rule generic;

    /** @param rules every rule for the pool, in file order (documents, then rules within a document) */
    public ModelRewrites(List<Rule> rules) {
        this.rules = List.copyOf(rules);
        Map<String, Rule> byModel = new HashMap<>();
        Rule firstGeneric = null;
        for (Rule r : this.rules) {
            if (r.models().isEmpty()) {
                firstGeneric = firstGeneric == null ? r : firstGeneric;
            }
            for (String m : r.models()) {
                byModel.putIfAbsent(m, r);
            }
        }
        this.exact = Map.copyOf(byModel);
        this.generic = firstGeneric;
    }

    /** The rule that applies to {@code model}, or null when none does. */
    public Rule ruleFor(String model) {
        Rule r = exact.get(model);
        return r != null ? r : generic;
    }

    /** The model to send a request for {@code model} as, or null when no rule applies. */
    public String choose(String model, RandomGenerator random) {
        Rule r = ruleFor(model);
        return r == null ? null : r.choose(random);
    }

    public boolean isEmpty() {
        return rules.isEmpty();
    }

    /** Every rule, in file order. */
    public List<Rule> rules() {
        return rules;
    }

    @Override
    public String toString() {
        return "ModelRewrites" + rules;
    }
}
