package dev.switchboard.providers.chat;

import java.util.List;

/**
 * One turn of a conversation.
 *
 * @param role    who said it
 * @param content what was said, in order: text, images, tool calls (assistant), tool results (user), thinking
 *                (assistant)
 */
public record Message(Role role, List<Part> content) {
    public Message {
        content = List.copyOf(content);
    }

    public static Message user(String text) {
        return new Message(Role.USER, List.of(new Part.Text(text)));
    }

    public static Message assistant(String text) {
        return new Message(Role.ASSISTANT, List.of(new Part.Text(text)));
    }

    /** Speakers. System prompts are not turns: they live in {@link ChatRequest#system()}. */
    public enum Role { USER, ASSISTANT }
}
