package dev.switchboard.bench.scenario;

import java.util.List;

/**
 * One request a workload wants sent: the same content for the chat API (as messages) and the completions API
 * (the messages' texts joined by newlines).
 *
 * @param model        the {@code model} field (a base model or a LoRA adapter)
 * @param messages     the prompt
 * @param maxTokens    {@code max_tokens}; sent with {@code ignore_eos}, so this is the output length
 * @param conversation the multi-turn conversation this turn belongs to, or -1; such requests want the reply text back
 */
public record RequestSpec(String model, List<ChatMessage> messages, int maxTokens, int conversation) {

    public RequestSpec {
        messages = List.copyOf(messages);
        if (messages.isEmpty()) {
            throw new IllegalArgumentException("a request needs at least one message");
        }
        if (maxTokens < 1) {
            throw new IllegalArgumentException("max_tokens must be >= 1, got " + maxTokens);
        }
    }

    /** True when the workload needs the generated text back ({@link Workload#completed}). */
    public boolean wantsReply() {
        return conversation >= 0;
    }

    /** The prompt for the completions API. */
    public String promptText() {
        if (messages.size() == 1) {
            return messages.getFirst().content();
        }
        StringBuilder sb = new StringBuilder();
        for (ChatMessage m : messages) {
            if (!sb.isEmpty()) {
                sb.append('\n');
            }
            sb.append(m.content());
        }
        return sb.toString();
    }
}
