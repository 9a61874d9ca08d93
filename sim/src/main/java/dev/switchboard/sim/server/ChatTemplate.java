package dev.switchboard.sim.server;

/**
 * The simulator's chat template, the one home of how a conversation becomes prompt text (and so its token count and
 * prefix-cache blocks) for every API: each turn as {@code "<|role|>\ncontent\n"}, then {@code "<|assistant|>\n"}.
 */
final class ChatTemplate {
    private ChatTemplate() {}

    static void open(StringBuilder prompt, String role) {
        prompt.append("<|").append(role).append("|>\n");
    }

    static void close(StringBuilder prompt) {
        prompt.append('\n');
    }

    /** Appends the generation prompt and returns the text. */
    static String end(StringBuilder prompt) {
        return prompt.append("<|assistant|>\n").toString();
    }
}
