package dev.switchboard.sim.server;

/** The OpenAI APIs the simulator serves. */
enum Api {
    CHAT("chatcmpl-", "chat.completion"),
    COMPLETION("cmpl-", "text_completion"),
    EMBEDDING("embd-", "list");

    final String idPrefix;
    final String object;

    Api(String idPrefix, String object) {
        this.idPrefix = idPrefix;
        this.object = object;
    }
}
