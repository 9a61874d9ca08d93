package dev.switchboard.providers.govern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.providers.ClientApi;
import dev.switchboard.providers.TranslationException;

/** Where each API keeps the bound on the tokens to generate. */
enum OutputBound {
    /**
     * {@code max_completion_tokens}, else the older {@code max_tokens}. A bound is written where the client put it
     * (both when it set both), and as {@code max_tokens} when it set none: what {@code OpenAiRequestWriter} writes,
     * which vLLM, SGLang and Ollama read too.
     */
    OPENAI_CHAT {
        @Override
        long read(ObjectNode root) throws TranslationException {
            long completion = number(root, "max_completion_tokens", "max_completion_tokens");
            long max = number(root, "max_tokens", "max_tokens");
            return completion >= 0 ? completion : max;
        }

        @Override
        void write(ObjectNode root, long n) {
            boolean completion = root.hasNonNull("max_completion_tokens");
            if (completion) {
                root.put("max_completion_tokens", n);
            }
            if (root.hasNonNull("max_tokens") || !completion) {
                root.put("max_tokens", n);
            }
        }
    },
    /** Completions, Anthropic Messages: {@code max_tokens}. */
    MAX_TOKENS {
        @Override
        long read(ObjectNode root) throws TranslationException {
            return number(root, "max_tokens", "max_tokens");
        }

        @Override
        void write(ObjectNode root, long n) {
            root.put("max_tokens", n);
        }
    },
    /** The Responses API: {@code max_output_tokens}. */
    RESPONSES {
        @Override
        long read(ObjectNode root) throws TranslationException {
            return number(root, "max_output_tokens", "max_output_tokens");
        }

        @Override
        void write(ObjectNode root, long n) {
            root.put("max_output_tokens", n);
        }
    },
    /** Gemini: {@code generationConfig.maxOutputTokens} ({@code generationConfig} made when absent). */
    GEMINI {
        @Override
        long read(ObjectNode root) throws TranslationException {
            JsonNode config = root.get("generationConfig");
            if (config == null || config.isNull()) {
                return -1;
            }
            if (!config.isObject()) {
                throw new TranslationException("generationConfig must be an object", "generationConfig");
            }
            return number((ObjectNode) config, "maxOutputTokens", "generationConfig.maxOutputTokens");
        }

        @Override
        void write(ObjectNode root, long n) {
            JsonNode config = root.get("generationConfig");
            ObjectNode c = config instanceof ObjectNode o ? o : root.putObject("generationConfig");
            c.put("maxOutputTokens", n);
        }
    };

    /** The client's bound, or -1 when it set none. */
    abstract long read(ObjectNode root) throws TranslationException;

    abstract void write(ObjectNode root, long n);

    /** The bound of {@code api}, or null for one that generates nothing (embeddings, token counts). */
    static OutputBound of(ClientApi api) {
        return switch (api) {
            case OPENAI_CHAT -> OPENAI_CHAT;
            case OPENAI_COMPLETIONS, ANTHROPIC_MESSAGES -> MAX_TOKENS;
            case OPENAI_RESPONSES -> RESPONSES;
            case GEMINI_GENERATE, GEMINI_STREAM_GENERATE -> GEMINI;
            case OPENAI_EMBEDDINGS, ANTHROPIC_COUNT_TOKENS, GEMINI_COUNT_TOKENS -> null;
        };
    }

    private static long number(ObjectNode holder, String field, String path) throws TranslationException {
        JsonNode v = holder.get(field);
        if (v == null || v.isNull()) {
            return -1;
        }
        if (!v.isNumber() || !v.canConvertToExactIntegral() || !v.canConvertToLong() || v.asLong() < 0) {
            throw new TranslationException(path + " must be a non-negative integer", path);
        }
        return v.asLong();
    }
}
