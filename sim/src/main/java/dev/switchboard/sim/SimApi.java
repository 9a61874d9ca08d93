package dev.switchboard.sim;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * The provider personalities a simulated endpoint can speak ({@code --api}): the same engine behind each provider's
 * wire format. Every endpoint serves all of them unless told otherwise; a path of a personality that is not served
 * is answered with that provider's own 404.
 */
public enum SimApi {
    /** vLLM's OpenAI-compatible API: {@code /v1/chat/completions}, {@code /v1/completions}, {@code /v1/embeddings}. */
    OPENAI,
    /** Anthropic Messages: {@code /v1/messages} (+ count_tokens), Claude on Vertex AI (rawPredict), Claude on Bedrock (invoke). */
    ANTHROPIC,
    /** Gemini {@code generateContent}: the Gemini API's {@code /v1beta/models/...} and Vertex AI's {@code publishers/google}. */
    GEMINI,
    /** Bedrock Converse: {@code /model/{id}/converse} and {@code /converse-stream} (AWS event-stream frames). */
    BEDROCK;

    /** Parses {@code openai|anthropic|gemini|bedrock|all} values (each may be a comma list). */
    public static Set<SimApi> parse(Iterable<String> values) {
        EnumSet<SimApi> apis = EnumSet.noneOf(SimApi.class);
        for (String value : values) {
            for (String v : value.split(",")) {
                String name = v.trim().toLowerCase(Locale.ROOT);
                if (name.isEmpty()) {
                    continue;
                }
                if (name.equals("all")) {
                    apis.addAll(EnumSet.allOf(SimApi.class));
                    continue;
                }
                try {
                    apis.add(valueOf(name.toUpperCase(Locale.ROOT)));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("unknown --api '" + v.trim()
                            + "': expected openai, anthropic, gemini, bedrock or all");
                }
            }
        }
        if (apis.isEmpty()) {
            throw new IllegalArgumentException("--api needs at least one of openai, anthropic, gemini, bedrock, all");
        }
        return apis;
    }
}
