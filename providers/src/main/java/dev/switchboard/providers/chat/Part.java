package dev.switchboard.providers.chat;

import java.util.List;

/** A piece of a message's content. */
public sealed interface Part {

    /**
     * Text.
     *
     * @param text         the text
     * @param cacheControl an Anthropic {@code cache_control} breakpoint after this part ({@code ephemeral}), or null
     */
    record Text(String text, String cacheControl) implements Part {
        public Text(String text) {
            this(text, null);
        }
    }

    /**
     * An image, by URL or inline.
     *
     * @param url       an http(s) URL, or null when inline
     * @param mediaType e.g. {@code image/png}; null when unknown (a URL)
     * @param base64    the image bytes in base64 when inline, else null
     */
    record Image(String url, String mediaType, String base64) implements Part {
        /** Parses a {@code data:<media>;base64,<data>} URL into an inline image, or keeps the URL as it is. */
        public static Image fromUrl(String url) {
            if (url.startsWith("data:")) {
                int semi = url.indexOf(";base64,");
                if (semi > 0) {
                    return new Image(null, url.substring(5, semi), url.substring(semi + 8));
                }
            }
            return new Image(url, null, null);
        }

        /** As a URL: the URL, or a {@code data:} URL of the inline bytes. */
        public String asUrl() {
            return url != null ? url : "data:" + mediaType + ";base64," + base64;
        }
    }

    /**
     * A tool call the assistant made.
     *
     * @param id        the call's id (generated when the provider has none, e.g. Gemini)
     * @param name      the function's name
     * @param arguments the arguments, a JSON object as text
     */
    record ToolCall(String id, String name, String arguments) implements Part {}

    /**
     * The result of a tool call, sent back by the user's side.
     *
     * @param toolCallId the call it answers
     * @param name       the function's name where the format needs it (Gemini), else null
     * @param content    the result: text (and images where the provider allows)
     * @param isError    whether the tool failed
     */
    record ToolResult(String toolCallId, String name, List<Part> content, boolean isError) implements Part {
        public ToolResult {
            content = List.copyOf(content);
        }

        /** The result's text parts, joined. */
        public String text() {
            StringBuilder b = new StringBuilder();
            for (Part p : content) {
                if (p instanceof Text t) {
                    b.append(t.text());
                }
            }
            return b.toString();
        }
    }

    /**
     * The model's visible reasoning (Anthropic {@code thinking}, Gemini thought parts, OpenAI-compatible
     * {@code reasoning_content}).
     *
     * @param text      the reasoning
     * @param signature Anthropic's signature, which must come back unchanged in the next turn; null when none
     */
    record Thinking(String text, String signature) implements Part {}

    /** Reasoning the provider returned encrypted (Anthropic {@code redacted_thinking}); passed back unchanged. */
    record RedactedThinking(String data) implements Part {}
}
