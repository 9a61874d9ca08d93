package dev.switchboard.core.model;

/**
 * The simulator's chat template, the one home of how a conversation becomes prompt text (and so its token count and
 * prefix-cache blocks) for every API: each turn as {@code "<|role|>\ncontent\n"}, then {@code "<|assistant|>\n"}.
 * Here beside {@link ApproxTokenizer} because the picker renders a request the same way to know which KV blocks the
 * simulator will cache for it (the precise prefix scorer's {@code tokenizer: simulator}).
 */
public final class ApproxChatTemplate {
    private ApproxChatTemplate() {}

    public static void open(StringBuilder prompt, String role) {
        prompt.append("<|").append(role).append("|>\n");
    }

    public static void close(StringBuilder prompt) {
        prompt.append('\n');
    }

    /** Appends the generation prompt and returns the text. */
    public static String end(StringBuilder prompt) {
        return prompt.append("<|assistant|>\n").toString();
    }
}
