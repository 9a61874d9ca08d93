package dev.switchboard.providers.anthropic;

import dev.switchboard.providers.chat.Usage;

/**
 * Anthropic's usage fields and the chat model's: Anthropic's {@code input_tokens} excludes the cache, so the total
 * input (OpenAI's way) is {@code input_tokens + cache_read_input_tokens + cache_creation_input_tokens}.
 */
final class AnthropicUsage {
    private AnthropicUsage() {}

    /** The chat model's counts from Anthropic's parts (-1 = not reported). */
    static Usage of(long input, long output, long cacheRead, long cacheCreation) {
        long total = input < 0 ? -1 : input + Math.max(0, cacheRead) + Math.max(0, cacheCreation);
        return new Usage(total, output, cacheRead, cacheCreation, -1);
    }

    /** Anthropic's {@code input_tokens} (uncached) from the chat model's total, or -1. */
    static long uncachedInput(Usage u) {
        if (u.inputTokens() < 0) {
            return -1;
        }
        return Math.max(0, u.inputTokens() - Math.max(0, u.cachedInputTokens()) - Math.max(0, u.cacheCreationTokens()));
    }
}
