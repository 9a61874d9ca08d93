package dev.switchboard.gateway.routing;

import dev.switchboard.core.config.BackendRef;
import java.util.random.RandomGenerator;

/**
 * The model a request is sent to an InferencePool as: what the endpoint picker scores (LoRA affinity, the prefix
 * index's seed) and what replaces the body's {@code model} upstream.
 */
public final class PoolModels {
    /*
     * Precedence, first that applies:
     *  1. the request header x-gateway-model-name-rewrite (the Endpoint Picker Protocol's), where the backendRef
     *     honours it (honorModelRewriteHeader; by default a client's header is ignored): sent as given;
     *  2. the pool's InferenceModelRewrite rules, matched against the model the pool receives: the backendRef's
     *     modelNameOverride when it has one (the route renames first, as for any backend; the pool then splits
     *     the renamed model), else the client's model; a matching rule's target is drawn by weight;
     *  3. the model the pool receives, unchanged.
     * One difference from the reference EPP, deliberate: there a matching InferenceModelRewrite rule is applied after
     * the header and so wins over it; here the header wins, so a caller (or a test) can always pin one adapter.
     * Cost: a map lookup and one random draw; nothing when the pool has no rules.
     */

    private PoolModels() {}

    /**
     * @param clientModel   the body's model
     * @param ref           a backendRef to an InferencePool
     * @param rewriteHeader the request's {@code x-gateway-model-name-rewrite} where the ref honours it, or null
     */
    public static String target(String clientModel, BackendRef ref, String rewriteHeader, RandomGenerator random) {
        if (rewriteHeader != null && !rewriteHeader.isBlank()) {
            return rewriteHeader.trim();
        }
        String received = ref.modelNameOverride() != null ? ref.modelNameOverride() : clientModel;
        String rewritten = ref.pool() == null ? null : ref.pool().rewrites().choose(received, random);
        return rewritten != null ? rewritten : received;
    }
}
