package dev.switchboard.sim.server;

import dev.switchboard.core.model.ApproxChatTemplate;
import dev.switchboard.providers.chat.ChatRequest;
import dev.switchboard.providers.chat.Message;
import dev.switchboard.providers.chat.Part;
import java.util.List;

/**
 * A provider request's conversation as prompt text, through the same {@link ApproxChatTemplate} as an OpenAI request: the
 * system parts as a {@code system} turn, then each turn under its role. A turn of tool results only is a {@code tool}
 * turn (what the same conversation is in OpenAI's format); a tool call is its name and arguments; thinking is its
 * text; images count nothing (the simulator reads text only).
 */
final class ChatPrompt {
    private ChatPrompt() {}

    static String render(ChatRequest request) {
        StringBuilder prompt = new StringBuilder();
        if (!request.system().isEmpty()) {
            ApproxChatTemplate.open(prompt, "system");
            append(prompt, request.system());
            ApproxChatTemplate.close(prompt);
        }
        for (Message m : request.messages()) {
            ApproxChatTemplate.open(prompt, role(m));
            append(prompt, m.content());
            ApproxChatTemplate.close(prompt);
        }
        return ApproxChatTemplate.end(prompt);
    }

    private static String role(Message m) {
        if (m.role() == Message.Role.ASSISTANT) {
            return "assistant";
        }
        boolean results = !m.content().isEmpty();
        for (Part p : m.content()) {
            results &= p instanceof Part.ToolResult;
        }
        return results ? "tool" : "user";
    }

    private static void append(StringBuilder prompt, List<Part> parts) {
        for (Part p : parts) {
            switch (p) {
                case Part.Text t -> prompt.append(t.text());
                case Part.ToolCall c -> prompt.append(c.name()).append(' ').append(c.arguments());
                case Part.ToolResult r -> prompt.append(r.text());
                case Part.Thinking t -> prompt.append(t.text());
                case Part.Image i -> { }
                case Part.RedactedThinking r -> { }
            }
        }
    }
}
