package dev.switchboard.providers;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.config.ApiSchema;
import dev.switchboard.core.config.Backend;
import dev.switchboard.core.config.SecurityPolicy;
import dev.switchboard.providers.chat.ChatRequest;
import dev.switchboard.providers.govern.ResponseHook;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Plans one attempt's call: the client's API and the backend's schema decide the path, the headers the schema needs,
 * and whether the body is translated (client format → {@link ChatRequest} → backend format) or sent as it is.
 */
public final class Translator {
    /*
     * Same family, same API (OpenAI chat to vLLM or Azure, Anthropic to Anthropic, Gemini to Vertex): the client's
     * bytes go as they are, with only the model spliced in and the path changed; the response passes through. Only
     * Claude on Vertex and Bedrock needs a small body change (no model, an anthropic_version) and, on Bedrock,
     * its stream re-framed. Everything else is translated through the chat model, both ways.
     */
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The Messages API version sent to Anthropic when the client named none. */
    static final String ANTHROPIC_VERSION = "2023-06-01";

    private Translator() {}

    /**
     * The call for one attempt.
     *
     * @param api           the API the client called
     * @param backend       the attempt's backend
     * @param body          the client's body (read only when it must be translated)
     * @param pathModel     the model named in the client's path (Gemini), or null
     * @param upstreamModel the model to ask the backend for (after rewrites)
     * @param stream        whether the client asked for a stream
     * @param clientQuery   the client's query string without {@code ?}, or null
     * @throws TranslationException when the request cannot be expressed in the backend's format (a 400 to the
     *                              client, naming the field)
     */
    public static UpstreamCall call(ClientApi api, Backend backend, Supplier<byte[]> body, String pathModel,
            String upstreamModel, boolean stream, String clientQuery) throws TranslationException {
        return call(api, backend, body, pathModel, upstreamModel, stream, clientQuery, null);
    }

    /**
     * The call for one attempt, with {@code hook} seeing the events of every 2xx response of a chat API (see
     * {@link #hookSees} for the calls it does not see; {@link ResponseHook} for what it may do).
     *
     * @param hook sees the response's events, or null (then this is the 7-argument call)
     * @throws TranslationException as the 7-argument call
     */
    public static UpstreamCall call(ClientApi api, Backend backend, Supplier<byte[]> body, String pathModel,
            String upstreamModel, boolean stream, String clientQuery, ResponseHook hook) throws TranslationException {
        Backend.Schema schema = backend.schema();
        ApiSchema.Family family = schema.name().family();
        if (api.countsTokens()) {
            return TokenCounts.call(api, backend, body, pathModel, upstreamModel);
        }
        if (api.family() == family) {
            if (hook == null) {
                return sameFamily(api, backend, body, upstreamModel, stream, clientQuery);
            }
            // a Gemini stream the client wants as a JSON array is asked for as SSE, which the codec reads
            String upstreamQuery = HookedResponses.wantsGeminiArray(api, clientQuery) ? clientQuery + "&alt=sse"
                    : clientQuery;
            UpstreamCall call = sameFamily(api, backend, body, upstreamModel, stream, upstreamQuery);
            return new UpstreamCall(call.path(), call.headers(), call.body(), call.modelInBody(),
                    HookedResponses.plan(call.responses(), api, schema, body, stream, clientQuery, hook), call.local());
        }
        if (!api.isChat()) {
            throw new TranslationException(describe(api) + " cannot be sent to backend '" + backend.name()
                    + "', whose schema is " + schema.name().configName() + "; route it to a backend of the "
                    + api.family() + " family", null);
        }
        WireCodec client = Codecs.client(api, clientQuery);
        WireCodec target = Codecs.backend(schema);
        ChatRequest request = client.decodeRequest(body.get(), pathModel).withModel(upstreamModel);
        if (api == ClientApi.GEMINI_STREAM_GENERATE || api == ClientApi.GEMINI_GENERATE) {
            request = request.withStream(stream); // a Gemini client says it in its path
        }
        byte[] out = target.encodeRequest(request);
        return new UpstreamCall(path(ClientApi.chatOf(family, stream), backend, upstreamModel, stream, null),
                headers(family), out, false,
                new ChatResponses(target, client, stream, request.includeUsage(), request, hook));
    }

    /**
     * Whether a {@link ResponseHook} passed for {@code api} on a backend of {@code schema} sees its 2xx responses:
     * every chat API's, but for the Responses API to an OpenAI-family backend (passed through; no codec reads its
     * answers). Token counts, completions and embeddings have no event model: a hook passed for them is not called.
     */
    public static boolean hookSees(ClientApi api, ApiSchema schema) {
        return HookedResponses.sees(api, schema);
    }

    private static UpstreamCall sameFamily(ClientApi api, Backend backend, Supplier<byte[]> body, String model,
            boolean stream, String clientQuery) throws TranslationException {
        ApiSchema s = backend.schema().name();
        String path = path(api, backend, model, stream, clientQuery);
        return switch (s) {
            case GCP_ANTHROPIC -> new UpstreamCall(path, Map.of("content-type", "application/json"),
                    claudeOnCloud(body.get(), backend.schema()), false, errorsOnly(Codecs.backend(backend.schema()), api));
            case AWS_ANTHROPIC -> new UpstreamCall(path, Map.of("content-type", "application/json"),
                    claudeOnCloud(body.get(), backend.schema()), false,
                    ClaudeOnBedrock.forAnthropicClients(backend.schema().version(), stream));
            case ANTHROPIC -> new UpstreamCall(path, Map.of(), null, true, UpstreamCall.ResponsePlan.AS_IS);
            case GEMINI_API, GCP_VERTEX_AI -> new UpstreamCall(path, Map.of(), null, false, UpstreamCall.ResponsePlan.AS_IS);
            default -> new UpstreamCall(path, Map.of(), null, true, UpstreamCall.ResponsePlan.AS_IS);
        };
    }

    /** Responses pass as they are, but errors come in the cloud's shape (Vertex, Bedrock), not the client's. */
    static UpstreamCall.ResponsePlan errorsOnly(WireCodec backend, ClientApi api) throws TranslationException {
        WireCodec client = Codecs.client(api);
        return (status, context) -> status / 100 == 2 ? null : new ErrorTranslation(status, backend, client);
    }

    /** An Anthropic body for Claude on Vertex or Bedrock: the model is in the path, the version in the body. */
    private static byte[] claudeOnCloud(byte[] body, Backend.Schema schema) throws TranslationException {
        ObjectNode tree;
        try {
            tree = (ObjectNode) JSON.readTree(body);
        } catch (IOException | ClassCastException e) {
            throw new TranslationException("the request body is not a JSON object", null);
        }
        tree.remove("model");
        boolean bedrock = schema.name() == ApiSchema.AWS_ANTHROPIC;
        if (bedrock) {
            tree.remove("stream"); // the path says it: invoke or invoke-with-response-stream
        }
        tree.put("anthropic_version", schema.version() != null ? schema.version()
                : bedrock ? "bedrock-2023-05-31" : "vertex-2023-10-16");
        try {
            return JSON.writeValueAsBytes(tree);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The headers a family's requests need beside the body. */
    private static Map<String, String> headers(ApiSchema.Family family) {
        return switch (family) {
            case ANTHROPIC -> Map.of("content-type", "application/json", "anthropic-version", ANTHROPIC_VERSION);
            default -> Map.of("content-type", "application/json");
        };
    }

    /** The upstream path and query of {@code api} on {@code backend}. */
    static String path(ClientApi api, Backend backend, String model, boolean stream, String clientQuery)
            throws TranslationException {
        Backend.Schema schema = backend.schema();
        String prefix = schema.prefix() != null ? schema.prefix() : schema.name().defaultPrefix();
        String query = clientQuery == null || clientQuery.isEmpty() ? "" : "?" + clientQuery;
        return switch (schema.name()) {
            case OPENAI, AWS_OPENAI, ANTHROPIC -> prefix + api.suffix() + query;
            case AZURE_OPENAI -> (api == ClientApi.OPENAI_RESPONSES ? "/openai" : "/openai/deployments/" + encoded(model))
                    + api.suffix() + "?api-version=" + URLEncoder.encode(schema.version(), StandardCharsets.UTF_8);
            case GEMINI_API -> "/" + (schema.version() != null ? schema.version() : "v1beta") + "/models/" + model
                    + ":" + api.suffix() + geminiQuery(api, clientQuery);
            case GCP_VERTEX_AI -> vertexPrefix(backend) + "/publishers/google/models/" + model + ":" + api.suffix()
                    + geminiQuery(api, clientQuery);
            case GCP_ANTHROPIC -> vertexPrefix(backend) + "/publishers/anthropic/models/"
                    + (api == ClientApi.ANTHROPIC_COUNT_TOKENS ? "count-tokens:rawPredict" // the model is in the body
                    : model + (stream ? ":streamRawPredict" : ":rawPredict"));
            case AWS_ANTHROPIC -> "/model/" + encoded(model) + (api == ClientApi.ANTHROPIC_COUNT_TOKENS ? "/count-tokens"
                    : stream ? "/invoke-with-response-stream" : "/invoke");
            case AWS_BEDROCK -> "/model/" + encoded(model) + (stream ? "/converse-stream" : "/converse");
        };
    }

    /** A model id as one path segment (Bedrock's have colons, Azure deployments any character). */
    private static String encoded(String model) {
        return URLEncoder.encode(model, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /**
     * A Gemini stream's query: a Gemini client's own (with {@code alt=sse} it gets SSE, without it Google's JSON
     * array, passed through either way); {@code alt=sse} when the gateway translates the stream.
     */
    private static String geminiQuery(ClientApi api, String clientQuery) {
        if (api != ClientApi.GEMINI_STREAM_GENERATE) {
            return "";
        }
        if (clientQuery == null) {
            return "?alt=sse";
        }
        StringBuilder q = new StringBuilder();
        for (String param : clientQuery.split("&")) {
            if (!param.isEmpty() && !param.startsWith("key=")) { // a client's API key is its own, never sent on
                q.append(q.isEmpty() ? "?" : "&").append(param);
            }
        }
        return q.toString();
    }

    /** {@code /v1/projects/{project}/locations/{region}}, from the backend's GCP credentials. */
    static String vertexPrefix(Backend backend) throws TranslationException {
        SecurityPolicy p = backend.security();
        if (p == null || p.gcp() == null) {
            throw new TranslationException("backend '" + backend.name() + "' speaks " + backend.schema().name()
                    .configName() + " but has no BackendSecurityPolicy of type GCPCredentials naming its project and"
                    + " region", null);
        }
        return "/v1/projects/" + p.gcp().projectName() + "/locations/" + p.gcp().region();
    }

    private static String describe(ClientApi api) {
        return switch (api) {
            case OPENAI_COMPLETIONS -> "A completions request (/v1/completions)";
            case OPENAI_EMBEDDINGS -> "An embeddings request (/v1/embeddings)";
            case OPENAI_RESPONSES -> "A Responses API request (/v1/responses)";
            default -> "A " + api + " request";
        };
    }
}
