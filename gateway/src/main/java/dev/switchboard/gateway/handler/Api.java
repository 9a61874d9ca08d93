package dev.switchboard.gateway.handler;

import dev.switchboard.core.config.ApiSchema;
import dev.switchboard.providers.ClientApi;
import dev.switchboard.providers.ClientPaths;
import io.netty.handler.codec.http.HttpMethod;

/** The client-facing APIs, identified by method and path. */
enum Api {
    CHAT_COMPLETIONS(HttpMethod.POST, "/v1/chat/completions", ClientApi.OPENAI_CHAT),
    COMPLETIONS(HttpMethod.POST, "/v1/completions", ClientApi.OPENAI_COMPLETIONS),
    EMBEDDINGS(HttpMethod.POST, "/v1/embeddings", ClientApi.OPENAI_EMBEDDINGS),
    RESPONSES(HttpMethod.POST, "/v1/responses", ClientApi.OPENAI_RESPONSES),
    MODELS(HttpMethod.GET, "/v1/models", null),
    MESSAGES(HttpMethod.POST, "/v1/messages", ClientApi.ANTHROPIC_MESSAGES),
    COUNT_TOKENS(HttpMethod.POST, "/v1/messages/count_tokens", ClientApi.ANTHROPIC_COUNT_TOKENS),
    GEMINI_GENERATE(HttpMethod.POST, "/v1beta/models/{model}:generateContent", ClientApi.GEMINI_GENERATE),
    GEMINI_STREAM_GENERATE(HttpMethod.POST, "/v1beta/models/{model}:streamGenerateContent",
            ClientApi.GEMINI_STREAM_GENERATE),
    GEMINI_COUNT_TOKENS(HttpMethod.POST, "/v1beta/models/{model}:countTokens", ClientApi.GEMINI_COUNT_TOKENS);

    /** Where Gemini's SDKs list models. */
    static final String GEMINI_MODELS = "/v1beta/models";

    final HttpMethod method;
    /** The path as documented (Gemini's with a {model} placeholder). */
    final String path;
    /** The API in the providers' terms; null for the model list, which the gateway answers itself. */
    final ClientApi client;

    Api(HttpMethod method, String path, ClientApi client) {
        this.method = method;
        this.path = path;
        this.client = client;
    }

    /** The error shape (wire family) of this API's clients. */
    ApiSchema.Family family() {
        return client == null ? ApiSchema.Family.OPENAI : client.family();
    }

    /**
     * An API and the model its path names (Gemini's), or null for an unknown path.
     *
     * @param pathModel the model from the path, or null when the body names it
     */
    record Target(Api api, String pathModel) {}

    /** The API at {@code path} (query excluded), or null; the paths themselves are {@link ClientPaths}'. */
    static Target of(String path) {
        if (path.equals(MODELS.path) || path.equals(ClientPaths.ANTHROPIC_PREFIX + MODELS.path)
                || path.equals(GEMINI_MODELS)) {
            return new Target(MODELS, null);
        }
        ClientPaths.Target t = ClientPaths.of(path);
        if (t == null) {
            return null;
        }
        for (Api a : values()) {
            if (a.client == t.api()) {
                return new Target(a, t.pathModel());
            }
        }
        throw new IllegalStateException("no gateway API for " + t.api());
    }

    /** The error shape for a path no API serves: the family its prefix suggests. */
    static ApiSchema.Family familyOf(String path) {
        return ClientPaths.familyOf(path);
    }
}
