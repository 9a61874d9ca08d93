package dev.switchboard.gateway.handler;

import dev.switchboard.core.config.ApiSchema;
import dev.switchboard.providers.ClientApi;
import io.netty.handler.codec.http.HttpMethod;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

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

    /** Anthropic's SDKs pointed at Envoy AI Gateway use this prefix; both spellings are served. */
    private static final String ANTHROPIC_PREFIX = "/anthropic";

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

    /** The API at {@code path} (query excluded), or null. */
    static Target of(String path) {
        boolean prefixed = path.startsWith(ANTHROPIC_PREFIX + "/");
        String p = prefixed ? path.substring(ANTHROPIC_PREFIX.length()) : path;
        for (Api a : values()) {
            if (a.path.equals(p) && (!prefixed || a.family() == ApiSchema.Family.ANTHROPIC)) {
                return new Target(a, null);
            }
        }
        return prefixed ? null : gemini(path);
    }

    /**
     * Gemini's {@code /v1beta/models/{model}:{method}} (also {@code /v1/}). Google's SDKs send a model id with a
     * slash as it is ({@code models/meta-llama/Llama-3.1-8B-Instruct:generateContent}), so the model runs to the
     * last colon; a percent-encoded one is decoded.
     */
    private static Target gemini(String path) {
        String rest;
        if (path.startsWith("/v1beta/models/")) {
            rest = path.substring("/v1beta/models/".length());
        } else if (path.startsWith("/v1/models/")) {
            rest = path.substring("/v1/models/".length());
        } else {
            return null;
        }
        int colon = rest.lastIndexOf(':');
        if (colon <= 0) {
            return null;
        }
        String method = rest.substring(colon + 1);
        String model;
        try {
            model = URLDecoder.decode(rest.substring(0, colon).replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return null;
        }
        for (Api a : new Api[] {GEMINI_GENERATE, GEMINI_STREAM_GENERATE, GEMINI_COUNT_TOKENS}) {
            if (a.client.suffix().equals(method)) {
                return new Target(a, model);
            }
        }
        return null;
    }

    /** The error shape for a path no API serves: the family its prefix suggests. */
    static ApiSchema.Family familyOf(String path) {
        if (path.startsWith(ANTHROPIC_PREFIX + "/") || path.startsWith("/v1/messages")) {
            return ApiSchema.Family.ANTHROPIC;
        }
        return path.startsWith("/v1beta/") ? ApiSchema.Family.GEMINI : ApiSchema.Family.OPENAI;
    }
}
