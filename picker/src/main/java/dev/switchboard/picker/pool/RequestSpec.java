package dev.switchboard.picker.pool;

import java.util.Map;
import java.util.Set;

/**
 * What a pool needs to know of one request, read off its headers and body by the caller (the gateway's exchange,
 * or the ext_proc stream).
 *
 * @param model        the model as the pool receives it (the body's, after any rename by the route)
 * @param modelRewrite the {@code x-gateway-model-name-rewrite} header where the caller honours it, else null; it
 *                     wins over the pool's InferenceModelRewrite rules
 * @param objective    the {@code x-gateway-inference-objective} header, or null
 * @param fairnessId   the {@code x-gateway-inference-fairness-id} header, or null (the default flow)
 * @param prompt       the prompt's JSON text (messages, prompt or input), for prefix affinity; may be its leading
 *                     part only
 * @param promptTokens the whole prompt's length in tokens, estimated
 * @param headers      the request headers by lower-case name, as the picker's plugins read them
 * @param bodyBytes    the request body's size (flow control's byte limits)
 * @param subset       the endpoint addresses ({@code host:port}) the pick must stay within (Envoy's subset hint), or
 *                     null for any member
 */
public record RequestSpec(String model, String modelRewrite, String objective, String fairnessId,
        CharSequence prompt, long promptTokens, Map<String, String> headers, long bodyBytes, Set<String> subset) {
    public RequestSpec {
        headers = Map.copyOf(headers);
        subset = subset == null ? null : Set.copyOf(subset);
    }
}
