package dev.switchboard.gateway.handler;

import io.netty.handler.codec.http.HttpMethod;

/** The client-facing APIs, identified by method and path. */
enum Api {
    CHAT_COMPLETIONS(HttpMethod.POST, "/v1/chat/completions"),
    COMPLETIONS(HttpMethod.POST, "/v1/completions"),
    EMBEDDINGS(HttpMethod.POST, "/v1/embeddings"),
    RESPONSES(HttpMethod.POST, "/v1/responses"),
    MODELS(HttpMethod.GET, "/v1/models");

    final HttpMethod method;
    final String path;

    Api(HttpMethod method, String path) {
        this.method = method;
        this.path = path;
    }

    /** The API at {@code path} (query excluded), or null. */
    static Api of(String path) {
        for (Api a : values()) {
            if (a.path.equals(path)) {
                return a;
            }
        }
        return null;
    }
}
