package dev.switchboard.providers.chat;

/**
 * Whether and which tool the model must call.
 *
 * @param mode what is asked
 * @param name the tool, for {@link Mode#TOOL}; else null
 */
public record ToolChoice(Mode mode, String name) {
    public static final ToolChoice AUTO = new ToolChoice(Mode.AUTO, null);
    public static final ToolChoice NONE = new ToolChoice(Mode.NONE, null);
    public static final ToolChoice REQUIRED = new ToolChoice(Mode.REQUIRED, null);

    public static ToolChoice tool(String name) {
        return new ToolChoice(Mode.TOOL, name);
    }

    /** OpenAI auto / none / required / a function; Anthropic auto / none / any / tool; Gemini AUTO / NONE / ANY. */
    public enum Mode { AUTO, NONE, REQUIRED, TOOL }
}
