package dev.switchboard.providers.openai;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.switchboard.providers.chat.Usage;
import java.io.IOException;

/** Writes OpenAI's {@code usage} object; counts the backend did not report are 0, details only when known. */
final class OpenAiUsage {
    private OpenAiUsage() {}

    static void write(JsonGenerator g, Usage u) throws IOException {
        long input = Math.max(0, u.inputTokens());
        long output = Math.max(0, u.outputTokens());
        g.writeObjectFieldStart("usage");
        g.writeNumberField("prompt_tokens", input);
        g.writeNumberField("completion_tokens", output);
        g.writeNumberField("total_tokens", input + output);
        if (u.cachedInputTokens() >= 0) {
            g.writeObjectFieldStart("prompt_tokens_details");
            g.writeNumberField("cached_tokens", u.cachedInputTokens());
            g.writeEndObject();
        }
        if (u.reasoningTokens() >= 0) {
            g.writeObjectFieldStart("completion_tokens_details");
            g.writeNumberField("reasoning_tokens", u.reasoningTokens());
            g.writeEndObject();
        }
        g.writeEndObject();
    }

}
