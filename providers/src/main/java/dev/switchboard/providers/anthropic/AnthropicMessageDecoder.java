package dev.switchboard.providers.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.providers.chat.ChatError;
import dev.switchboard.providers.chat.ChatEvents;
import dev.switchboard.providers.chat.FinishReason;
import dev.switchboard.providers.wire.WholeBodyDecoder;

/**
 * Decodes a whole (non-streamed) Messages response at {@link #end()}: id and model → start; content blocks in order
 * (text, thinking with its signature, redacted_thinking, tool_use with its {@code input} as JSON text and an index
 * among the tool calls); usage; stop_reason (+ stop_sequence) → finish. Other block types (server tool blocks) have
 * no place in the chat model and are skipped.
 */
final class AnthropicMessageDecoder extends WholeBodyDecoder {
    private final ChatEvents out;

    AnthropicMessageDecoder(ChatEvents out) {
        super(out);
        this.out = out;
    }


    @Override
    protected void decode(JsonNode m) {
        if (m == null || !m.isObject() || !m.path("content").isArray()) {
            out.error(new ChatError(502, ChatError.Kind.SERVER, "the backend's answer is not a Messages response",
                    null));
            return;
        }
        out.start(text(m, "id"), text(m, "model"));
        int tools = 0;
        for (JsonNode b : m.get("content")) {
            switch (b.path("type").asText()) {
                case "text" -> out.text(b.path("text").asText());
                case "thinking" -> {
                    out.thinking(b.path("thinking").asText());
                    if (b.path("signature").isTextual()) {
                        out.thinkingSignature(b.get("signature").asText());
                    }
                }
                case "redacted_thinking" -> out.redactedThinking(b.path("data").asText());
                case "tool_use" -> {
                    int i = tools++;
                    out.toolCall(i, text(b, "id"), text(b, "name"));
                    JsonNode input = b.get("input");
                    out.toolArguments(i, input == null || input.isNull() ? "{}" : input.toString());
                }
                default -> { }
            }
        }
        JsonNode u = m.path("usage");
        if (u.isObject()) {
            out.usage(AnthropicUsage.of(count(u, "input_tokens"), count(u, "output_tokens"),
                    count(u, "cache_read_input_tokens"), count(u, "cache_creation_input_tokens")));
        }
        String stop = text(m, "stop_reason");
        out.finish(stop == null ? FinishReason.END_TURN
                : AnthropicStopReasons.decode(stop), text(m, "stop_sequence"));
        out.end();
    }

    private static String text(JsonNode n, String f) {
        JsonNode v = n.get(f);
        return v != null && v.isTextual() ? v.asText() : null;
    }

    private static long count(JsonNode n, String f) {
        JsonNode v = n.get(f);
        return v != null && v.isIntegralNumber() ? v.asLong() : -1;
    }
}
