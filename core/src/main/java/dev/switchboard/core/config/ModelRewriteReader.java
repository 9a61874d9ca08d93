package dev.switchboard.core.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads {@code InferenceModelRewrite} documents ({@code llm-d.ai/v1alpha2}, formerly
 * {@code inference.networking.x-k8s.io}): {@code spec.poolRef{group, kind, name}},
 * {@code spec.rules[]{matches[]{model{type: Exact, value}}, targets[]{weight, modelRewrite}}}.
 */
final class ModelRewriteReader {
    /** The CRD's bounds on a target's weight. */
    static final int MAX_WEIGHT = 1_000_000;

    /** One document, read; its pool reference is checked once every InferencePool is known. */
    record Doc(String pool, Fields poolRef, List<ModelRewrites.Rule> rules) {}

    private ModelRewriteReader() {}

    static Doc read(String name, Fields spec) throws ConfigException {
        spec.only("poolRef", "rules");
        Fields poolRef = spec.object("poolRef").only("group", "kind", "name");
        String kind = poolRef.optionalString("kind", "InferencePool");
        if (!kind.equals("InferencePool")) {
            throw poolRef.error("kind", "expected InferencePool, got '" + kind + "'");
        }
        String pool = poolRef.string("name");
        List<Fields> rules = spec.list("rules", r -> r);
        if (rules.isEmpty()) {
            throw spec.error("rules", "required: at least one rule");
        }
        List<ModelRewrites.Rule> out = new ArrayList<>(rules.size());
        for (int i = 0; i < rules.size(); i++) {
            out.add(rule(rules.get(i), "InferenceModelRewrite/" + name + " rules[" + i + "]"));
        }
        return new Doc(pool, poolRef, out);
    }

    private static ModelRewrites.Rule rule(Fields rule, String origin) throws ConfigException {
        rule.only("matches", "targets");
        List<String> models = rule.list("matches", m -> {
            m.only("model");
            Fields model = m.object("model").only("type", "value");
            String type = model.optionalString("type", "Exact");
            if (!type.equals("Exact")) {
                throw model.error("type", "expected Exact (the only match type), got '" + type + "'");
            }
            return model.string("value");
        });
        List<Fields> targets = rule.list("targets", t -> t);
        if (targets.isEmpty()) {
            throw rule.error("targets", "required: at least one target");
        }
        List<ModelRewrites.Target> out = new ArrayList<>(targets.size());
        Fields weighted = null;
        Fields unweighted = null;
        for (Fields t : targets) {
            t.only("weight", "modelRewrite");
            if (t.has("weight")) {
                weighted = weighted == null ? t : weighted;
            } else {
                unweighted = unweighted == null ? t : unweighted;
            }
            out.add(new ModelRewrites.Target(HeaderFields.value(t, "modelRewrite"), t.integer("weight", 0, 1, MAX_WEIGHT)));
        }
        if (weighted != null && unweighted != null) {
            // the CRD's rule: a target without a weight would silently never be chosen
            throw unweighted.error("weight", "required: weights are all or none, and " + weighted.path()
                    + " has one");
        }
        return new ModelRewrites.Rule(models, out, origin);
    }

    /** Every pool's rewrites, documents in file order; a reference to a pool that is not in the file is an error. */
    static Map<String, ModelRewrites> byPool(List<Doc> docs, Set<String> pools) throws ConfigException {
        Map<String, List<ModelRewrites.Rule>> rules = new LinkedHashMap<>();
        for (Doc d : docs) {
            if (!pools.contains(d.pool())) {
                throw d.poolRef().error("name", "no InferencePool named '" + d.pool() + "' in this file"
                        + (pools.isEmpty() ? "" : "; InferencePools: " + String.join(", ", pools)));
            }
            rules.computeIfAbsent(d.pool(), p -> new ArrayList<>()).addAll(d.rules());
        }
        Map<String, ModelRewrites> out = new LinkedHashMap<>();
        rules.forEach((pool, list) -> out.put(pool, new ModelRewrites(list)));
        return out;
    }
}
