package dev.switchboard.providers.openai;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.providers.chat.ChatError;
import dev.switchboard.providers.chat.ChatEvents;
import dev.switchboard.providers.chat.FinishReason;
import dev.switchboard.providers.chat.Usage;
import dev.switchboard.providers.wire.WholeBodyDecoder;

/**
 * Decodes a whole {@code chat.completion} body at {@link #end()}: the events of choice 0 (reasoning, text, tool calls),
 * then usage, finish and end. A body that is not a completion (not JSON, an error object, no choices) is an error.
 */
final class OpenAiBodyDecoder extends WholeBodyDecoder {
    private final ChatEvents out;

    OpenAiBodyDecoder(ChatEvents out) {
        super(out);
        this.out = out;
    }


    @Override
    protected void decode(JsonNode root) {
        if (root == null || !root.isObject()) {
            out.start(null, null);
            out.error(new ChatError(502, ChatError.Kind.SERVER, "the backend's answer is not a JSON object", null));
            return;
        }
        out.start(root.path("id").asText(null), root.path("model").asText(null));
        JsonNode error = root.get("error");
        if (error != null && error.isObject()) {
            JsonNode code = error.get("code");
            out.error(OpenAiErrors.of(0, error.path("message").asText("the backend reported an error"),
                    error.path("type").asText(null), error.path("param").asText(null),
                    code == null || code.isNull() ? null : code.asText()));
            return;
        }
        JsonNode choice = root.path("choices").path(0);
        if (!choice.isObject()) {
            out.error(new ChatError(502, ChatError.Kind.SERVER, "the backend's answer has no choices", null));
            return;
        }
        message(choice.path("message"));
        JsonNode usage = root.get("usage");
        if (usage != null && usage.isObject()) {
            out.usage(new Usage(count(usage.get("prompt_tokens")), count(usage.get("completion_tokens")),
                    count(usage.path("prompt_tokens_details").get("cached_tokens")), -1,
                    count(usage.path("completion_tokens_details").get("reasoning_tokens"))));
        }
        String reason = choice.path("finish_reason").asText(null);
        out.finish(reason == null ? FinishReason.END_TURN : FinishReasons.fromOpenAi(reason), null);
        out.end();
    }

    private void message(JsonNode m) {
        String reasoning = m.hasNonNull("reasoning_content") ? m.get("reasoning_content").asText()
                : m.path("reasoning").asText(null); // vLLM and DeepSeek; newer vLLM
        if (reasoning != null && !reasoning.isEmpty()) {
            out.thinking(reasoning);
        }
        String content = m.path("content").asText(null);
        if (content == null) {
            content = m.path("refusal").asText(null);
        }
        if (content != null && !content.isEmpty()) {
            out.text(content);
        }
        JsonNode calls = m.path("tool_calls");
        for (int i = 0; i < calls.size(); i++) {
            JsonNode c = calls.get(i);
            JsonNode f = c.path("function");
            out.toolCall(i, c.path("id").asText("call_" + i), f.path("name").asText(null));
            String args = f.path("arguments").asText("");
            if (!args.isEmpty()) {
                out.toolArguments(i, args);
            }
        }
    }

    private static long count(JsonNode n) {
        return n != null && n.canConvertToLong() ? n.asLong() : -1;
    }
}
