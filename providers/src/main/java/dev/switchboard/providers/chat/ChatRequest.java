package dev.switchboard.providers.chat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * A chat request in no provider's shape: what every wire format's request is decoded into, and encoded from, when the
 * client's API and the backend's differ. Fields a format lacks are null (or empty), never a made-up default: an
 * encoder sends only what the client set.
 *
 * @param model          the model the backend is asked for (already rewritten by routing)
 * @param system         the system prompt's parts (OpenAI system and developer messages, Anthropic {@code system},
 *                       Gemini {@code systemInstruction}, Bedrock {@code system}); empty for none
 * @param messages       the conversation, user and assistant turns; tool results are {@link Part.ToolResult} parts of
 *                       a user turn
 * @param tools          function tools offered to the model; empty for none
 * @param toolChoice     how the model may use them, or null for the provider's default
 * @param parallelToolCalls false to ask for at most one tool call per turn; null for the default
 * @param maxTokens      the most output tokens, or null
 * @param temperature    sampling temperature, or null
 * @param topP           nucleus sampling, or null
 * @param topK           top-k sampling (Anthropic, Gemini), or null
 * @param stop           stop sequences; empty for none
 * @param responseFormat JSON mode or a JSON schema, or null for text
 * @param thinking       extended thinking / reasoning budget, or null
 * @param stream         whether the client asked for a streamed answer
 * @param includeUsage   for a streamed OpenAI answer, whether the client asked for the usage chunk
 *                       ({@code stream_options.include_usage})
 * @param user           an end-user id for abuse tracking ({@code user}, Anthropic {@code metadata.user_id}), or null
 * @param extensions     vendor fields for the backend's own format, passed through as they are (Gemini
 *                       {@code safetySettings}, Anthropic {@code cache_control}…), keyed by the field name in the
 *                       backend's format; null or empty for none
 */
public record ChatRequest(
        String model,
        List<Part> system,
        List<Message> messages,
        List<Tool> tools,
        ToolChoice toolChoice,
        Boolean parallelToolCalls,
        Integer maxTokens,
        Double temperature,
        Double topP,
        Integer topK,
        List<String> stop,
        ResponseFormat responseFormat,
        Thinking thinking,
        boolean stream,
        boolean includeUsage,
        String user,
        ObjectNode extensions) {

    public ChatRequest {
        system = system == null ? List.of() : List.copyOf(system);
        messages = List.copyOf(messages);
        tools = tools == null ? List.of() : List.copyOf(tools);
        stop = stop == null ? List.of() : List.copyOf(stop);
    }

    /** The same request for another model (the backend's name for it). */
    public ChatRequest withModel(String m) {
        return new ChatRequest(m, system, messages, tools, toolChoice, parallelToolCalls, maxTokens, temperature, topP,
                topK, stop, responseFormat, thinking, stream, includeUsage, user, extensions);
    }

    /** The same request, streamed or not (a Gemini client says it in its path, not its body). */
    public ChatRequest withStream(boolean s) {
        return new ChatRequest(model, system, messages, tools, toolChoice, parallelToolCalls, maxTokens, temperature,
                topP, topK, stop, responseFormat, thinking, s, includeUsage, user, extensions);
    }

    /** The same request with another output limit. */
    public ChatRequest withMaxTokens(Integer max) {
        return new ChatRequest(model, system, messages, tools, toolChoice, parallelToolCalls, max, temperature, topP,
                topK, stop, responseFormat, thinking, stream, includeUsage, user, extensions);
    }

    /**
     * Extended thinking (Anthropic {@code thinking}, Gemini {@code thinkingConfig}, OpenAI {@code reasoning_effort}).
     *
     * @param budgetTokens the thinking budget in tokens, or null when only an effort is known
     * @param effort       {@code low}, {@code medium} or {@code high} (OpenAI's words), or null
     */
    public record Thinking(Integer budgetTokens, String effort) {}
}
