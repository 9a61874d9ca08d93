package dev.switchboard.providers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.core.config.ApiSchema;
import dev.switchboard.core.config.Backend;
import dev.switchboard.providers.govern.ResponseHook;
import java.io.IOException;
import java.util.function.Supplier;

/**
 * Where a {@link ResponseHook} goes in a same-family call, whose response otherwise passes as it is (cross-family
 * calls always go through {@link ChatResponses}, which takes the hook directly).
 */
final class HookedResponses {
    /*
     * A 2xx response of a chat API is either
     *  - rewritten: decoded with the codec of what the backend sends and re-encoded with the client's, through the
     *    hook (ChatResponses). This is the case when the hook rewrites, and always for Claude on Bedrock (whose
     *    stream is re-framed anyway) and for a Gemini stream the client wants as Google's JSON array (no decoder
     *    reads that form, so the backend is asked for SSE and the answer re-encoded as the array);
     *  - observed: relayed byte for byte, with a decoder beside it feeding the hook (ObservedResponse).
     * Other statuses keep the plan the call had without a hook. APIs with no event model here (completions,
     * embeddings, and the Responses API to an OpenAI backend, whose answers no codec decodes) keep their plan: the
     * hook does not see them (hookSees says so, for the gateway to decide what governance it can offer them).
     */
    private static final ObjectMapper JSON = new ObjectMapper();

    private HookedResponses() {}

    /** Whether a hook passed for {@code api} on a backend of {@code schema} sees the 2xx responses. */
    static boolean sees(ClientApi api, ApiSchema schema) {
        if (!api.isChat()) {
            return false;
        }
        return api != ClientApi.OPENAI_RESPONSES || schema.family() != ApiSchema.Family.OPENAI;
    }

    /** Whether a Gemini stream client asked for Google's JSON array (a query without {@code alt=sse}). */
    static boolean wantsGeminiArray(ClientApi api, String clientQuery) {
        return api == ClientApi.GEMINI_STREAM_GENERATE && clientQuery != null && !clientQuery.contains("alt=sse");
    }

    /**
     * The plan of {@code call} (same family, planned without a hook) with {@code hook} on its 2xx responses.
     *
     * @param clientQuery the client's query as the client sent it (the call's path asked for SSE where needed)
     */
    static UpstreamCall.ResponsePlan plan(UpstreamCall.ResponsePlan withoutHook, ClientApi api, Backend.Schema schema,
            Supplier<byte[]> body, boolean stream, String clientQuery, ResponseHook hook) throws TranslationException {
        if (!sees(api, schema.name())) {
            return withoutHook;
        }
        boolean geminiArray = wantsGeminiArray(api, clientQuery);
        WireCodec client = geminiArray ? Codecs.client(api, clientQuery) : Codecs.client(api);
        WireCodec reader = schema.name().family() == ApiSchema.Family.GEMINI ? Codecs.client(api)
                : Codecs.backend(schema);
        UpstreamCall.ResponsePlan hooked;
        if (hook.rewrites() || geminiArray || schema.name() == ApiSchema.AWS_ANTHROPIC) {
            hooked = new ChatResponses(reader, client, stream, api == ClientApi.OPENAI_CHAT && includesUsage(body),
                    null, hook);
        } else {
            hooked = (status, context) -> new ObservedResponse(reader, stream, hook);
        }
        return (status, context) -> status / 100 == 2 ? hooked.open(status, context)
                : withoutHook.open(status, context);
    }

    /** Whether an OpenAI chat body asks for the usage chunk at the end of its stream. */
    private static boolean includesUsage(Supplier<byte[]> body) {
        try {
            JsonNode tree = JSON.readTree(body.get());
            return tree != null && tree.path("stream_options").path("include_usage").asBoolean(false);
        } catch (IOException e) {
            return false; // the backend refuses such a body; its error is not re-encoded
        }
    }
}
