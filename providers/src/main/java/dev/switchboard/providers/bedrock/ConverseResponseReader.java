package dev.switchboard.providers.bedrock;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.providers.chat.ChatError;
import dev.switchboard.providers.chat.ChatEvents;
import dev.switchboard.providers.wire.WholeBodyDecoder;

/**
 * A whole Converse answer, {@code {output:{message:{role,content[...]}}, stopReason, usage, metrics}}, as
 * {@link ChatEvents} at {@link #end()}. Content blocks in order: {@code text}; {@code reasoningContent} with
 * {@code reasoningText {text, signature}} or {@code redactedContent}; {@code toolUse {toolUseId, name, input}} (the
 * input object becomes the arguments' JSON text). Converse has no response id: {@code start(null, null)}.
 */
final class ConverseResponseReader extends WholeBodyDecoder {
    private final ChatEvents out;

    ConverseResponseReader(ChatEvents out) {
        super(out);
        this.out = out;
    }


    @Override
    protected void decode(JsonNode root) {
        JsonNode content = root == null ? null : root.path("output").path("message").get("content");
        if (content == null || !content.isArray()) {
            out.error(new ChatError(502, ChatError.Kind.SERVER,
                    "Bedrock's answer is not a Converse response (no output.message.content)", null));
            return;
        }
        out.start(null, null);
        int tools = 0;
        for (JsonNode block : content) {
            if (block.has("text")) {
                out.text(block.get("text").asText());
            } else if (block.get("toolUse") instanceof JsonNode use && use.isObject()) {
                int index = tools++;
                out.toolCall(index, use.path("toolUseId").asText(null), use.path("name").asText(null));
                JsonNode input = use.get("input");
                out.toolArguments(index, input == null || input.isNull() ? "{}" : input.toString());
            } else if (block.get("reasoningContent") instanceof JsonNode r && r.isObject()) {
                JsonNode text = r.get("reasoningText");
                if (text != null) {
                    out.thinking(text.path("text").asText(""));
                    if (text.hasNonNull("signature")) {
                        out.thinkingSignature(text.get("signature").asText());
                    }
                } else if (r.hasNonNull("redactedContent")) {
                    out.redactedThinking(r.get("redactedContent").asText());
                }
            }
            // other blocks (citations, images in an answer, guardContent) have no place in the chat model
        }
        if (root.get("usage") instanceof JsonNode u && u.isObject()) {
            out.usage(ConverseUsage.of(u));
        }
        out.finish(StopReasons.of(root.path("stopReason").asText(null)), null);
        out.end();
    }
}
