package dev.switchboard.providers.bedrock;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.providers.chat.Usage;
import java.io.IOException;

/**
 * Converse's {@code usage} object as {@link Usage}. Bedrock counts {@code inputTokens} without the prompt-cache
 * reads and writes ({@code totalTokens = inputTokens + outputTokens + cacheReadInputTokens + cacheWriteInputTokens}),
 * as Anthropic does; the chat model counts input as OpenAI does, cached included, so the three are added.
 */
final class ConverseUsage {
    private ConverseUsage() {}

    static Usage of(long input, long output, long cacheRead, long cacheWrite) {
        long total = input < 0 ? -1 : input + Math.max(0, cacheRead) + Math.max(0, cacheWrite);
        return new Usage(total, output, cacheRead, cacheWrite, -1);
    }

    static Usage of(JsonNode u) {
        return of(u.path("inputTokens").asLong(-1), u.path("outputTokens").asLong(-1),
                u.path("cacheReadInputTokens").asLong(-1), u.path("cacheWriteInputTokens").asLong(-1));
    }

    /** Reads the usage object the parser is at (its START_OBJECT) and leaves the parser at its END_OBJECT. */
    static Usage read(JsonParser p) throws IOException {
        long input = -1;
        long output = -1;
        long cacheRead = -1;
        long cacheWrite = -1;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken value = p.nextToken();
            if (!value.isNumeric()) {
                p.skipChildren();
                continue;
            }
            switch (name) {
                case "inputTokens" -> input = p.getLongValue();
                case "outputTokens" -> output = p.getLongValue();
                case "cacheReadInputTokens" -> cacheRead = p.getLongValue();
                case "cacheWriteInputTokens" -> cacheWrite = p.getLongValue();
                default -> { } // totalTokens: derived
            }
        }
        return of(input, output, cacheRead, cacheWrite);
    }

    /** The chat model's usage as Converse's counts: {inputTokens (uncached), outputTokens, cacheRead, cacheWrite}. */
    static long[] toConverse(Usage u) {
        long read = Math.max(0, u.cachedInputTokens());
        long write = Math.max(0, u.cacheCreationTokens());
        long input = Math.max(0, u.inputTokens() - read - write);
        return new long[] {input, Math.max(0, u.outputTokens()), read, write};
    }
}
