package dev.switchboard.picker.pool;

import dev.switchboard.core.config.ModelRewrites;
import java.util.random.RandomGenerator;

/**
 * The model a request is sent to an InferencePool as: what the endpoint picker scores (LoRA affinity, the prefix
 * index's seed) and what replaces the body's {@code model} upstream.
 */
final class PoolModels {
    /*
     * Precedence, first that applies:
     *  1. the request header x-gateway-model-name-rewrite (the Endpoint Picker Protocol's), where the caller
     *     honours it (the gateway's backendRef honorModelRewriteHeader; by default a client's header is ignored):
     *     sent as given;
     *  2. the pool's InferenceModelRewrite rules, matched against the model the pool receives (in the gateway, the
     *     backendRef's modelNameOverride when it has one: the route renames first, as for any backend; the pool
     *     then splits the renamed model); a matching rule's target is drawn by weight;
     *  3. the model the pool receives, unchanged.
     * One difference from the reference EPP, deliberate: there a matching InferenceModelRewrite rule is applied after
     * the header and so wins over it; here the header wins, so a caller (or a test) can always pin one adapter.
     * Cost: a map lookup and one random draw; nothing when the pool has no rules.
     */

    private PoolModels() {}

    /**
     * @param received      the model as the pool receives it
     * @param rewriteHeader the request's {@code x-gateway-model-name-rewrite} where honoured, or null
     */
    static String target(String received, String rewriteHeader, ModelRewrites rewrites, RandomGenerator random) {
        if (rewriteHeader != null && !rewriteHeader.isBlank()) {
            return rewriteHeader.trim();
        }
        String rewritten = rewrites.choose(received, random);
        return rewritten != null ? rewritten : received;
    }
}
