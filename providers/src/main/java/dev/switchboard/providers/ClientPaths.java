package dev.switchboard.providers;

import dev.switchboard.core.config.ApiSchema;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/**
 * Which {@link ClientApi} a request path calls, and the model the path names (Gemini's): the one place that knows
 * the client-facing paths, for the gateway and the Envoy processor alike.
 *
 * <ul>
 *   <li>OpenAI: {@code /v1/chat/completions}, {@code /v1/completions}, {@code /v1/embeddings}, {@code /v1/responses};
 *   <li>Anthropic: {@code /v1/messages}, {@code /v1/messages/count_tokens}, each also under {@code /anthropic}
 *       (where Anthropic's SDKs pointed at Envoy AI Gateway send them);
 *   <li>Gemini: {@code /v1beta/models/{model}:generateContent}, {@code :streamGenerateContent}, {@code :countTokens}
 *       (also under {@code /v1/models/}).
 * </ul>
 */
public final class ClientPaths {
    /** Anthropic's SDKs pointed at Envoy AI Gateway use this prefix; both spellings are served. */
    public static final String ANTHROPIC_PREFIX = "/anthropic";

    private static final String[] PATHS = {"/v1/chat/completions", "/v1/completions", "/v1/embeddings",
            "/v1/responses", "/v1/messages", "/v1/messages/count_tokens"};
    private static final ClientApi[] APIS = {ClientApi.OPENAI_CHAT, ClientApi.OPENAI_COMPLETIONS,
            ClientApi.OPENAI_EMBEDDINGS, ClientApi.OPENAI_RESPONSES, ClientApi.ANTHROPIC_MESSAGES,
            ClientApi.ANTHROPIC_COUNT_TOKENS};
    private static final ClientApi[] GEMINI = {ClientApi.GEMINI_GENERATE, ClientApi.GEMINI_STREAM_GENERATE,
            ClientApi.GEMINI_COUNT_TOKENS};

    private ClientPaths() {}

    /**
     * An API and the model its path names.
     *
     * @param pathModel the model from the path (Gemini), or null when the body names it
     */
    public record Target(ClientApi api, String pathModel) {}

    /** The API at {@code path} (query excluded), or null for a path no API of ours serves. */
    public static Target of(String path) {
        boolean prefixed = path.startsWith(ANTHROPIC_PREFIX + "/");
        String p = prefixed ? path.substring(ANTHROPIC_PREFIX.length()) : path;
        for (int i = 0; i < PATHS.length; i++) {
            if (PATHS[i].equals(p) && (!prefixed || APIS[i].family() == ApiSchema.Family.ANTHROPIC)) {
                return new Target(APIS[i], null);
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
        for (ClientApi a : GEMINI) {
            if (a.suffix().equals(method)) {
                return new Target(a, model);
            }
        }
        return null;
    }

    /** The error shape for a path no API serves: the family its prefix suggests. */
    public static ApiSchema.Family familyOf(String path) {
        if (path.startsWith(ANTHROPIC_PREFIX + "/") || path.startsWith("/v1/messages")) {
            return ApiSchema.Family.ANTHROPIC;
        }
        return path.startsWith("/v1beta/") ? ApiSchema.Family.GEMINI : ApiSchema.Family.OPENAI;
    }
}
