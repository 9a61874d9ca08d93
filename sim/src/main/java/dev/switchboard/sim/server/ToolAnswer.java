package dev.switchboard.sim.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.model.ApproxTokenizer;
import dev.switchboard.providers.chat.ChatRequest;
import dev.switchboard.providers.chat.Message;
import dev.switchboard.providers.chat.Part;
import dev.switchboard.providers.chat.Tool;
import dev.switchboard.providers.chat.ToolChoice;
import java.util.List;
import java.util.Locale;

/**
 * A deterministic tool call, so that multi-turn tool tests have a backend that behaves the same every time. A request
 * is answered with a call when it offers tools, its tool choice is not {@code none}, its last turn holds no tool
 * result, and either the tool choice requires a tool or its last user turn says {@code call <toolname>}. The tool is
 * the one the choice names, else the one the text names, else the first offered. The arguments fill the schema's
 * required string properties with {@code "x"} ({@code {}} when there are none). A last turn with a tool result is
 * answered with text.
 *
 * @param id        the call's id
 * @param name      the tool
 * @param arguments a JSON object as text
 */
record ToolAnswer(String id, String name, String arguments) {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The call to answer {@code request} with, or null for a text answer. */
    static ToolAnswer decide(ChatRequest request, long seed) {
        List<Tool> tools = request.tools();
        ToolChoice choice = request.toolChoice();
        if (tools.isEmpty() || request.messages().isEmpty()
                || (choice != null && choice.mode() == ToolChoice.Mode.NONE)) {
            return null;
        }
        Message last = request.messages().getLast();
        for (Part p : last.content()) {
            if (p instanceof Part.ToolResult) {
                return null;
            }
        }
        Tool tool = null;
        if (choice != null && choice.mode() == ToolChoice.Mode.TOOL) {
            tool = named(tools, choice.name());
        }
        if (tool == null && last.role() == Message.Role.USER) {
            tool = askedFor(tools, text(last));
        }
        if (tool == null && choice != null && choice.mode() != ToolChoice.Mode.AUTO) {
            tool = tools.getFirst();
        }
        if (tool == null) {
            return null;
        }
        return new ToolAnswer("toolu_sim" + Long.toHexString(seed), tool.name(), arguments(tool.parameters()));
    }

    /** Tokens the engine generates for this call: its arguments' text, at least one. */
    int tokens() {
        return Math.max(1, ApproxTokenizer.count(arguments));
    }

    private static Tool named(List<Tool> tools, String name) {
        for (Tool t : tools) {
            if (t.name().equals(name)) {
                return t;
            }
        }
        return null;
    }

    /** The tool that {@code call <name>} names in {@code text}, or the first offered when it names another word. */
    private static Tool askedFor(List<Tool> tools, String text) {
        String lower = text.toLowerCase(Locale.ROOT);
        int at = lower.indexOf("call ");
        if (at < 0) {
            return null;
        }
        String rest = lower.substring(at + 5);
        for (Tool t : tools) {
            if (rest.startsWith(t.name().toLowerCase(Locale.ROOT))) {
                return t;
            }
        }
        return tools.getFirst();
    }

    private static String text(Message m) {
        StringBuilder b = new StringBuilder();
        for (Part p : m.content()) {
            if (p instanceof Part.Text t) {
                b.append(t.text()).append(' ');
            }
        }
        return b.toString();
    }

    private static String arguments(JsonNode schema) {
        ObjectNode args = JSON.createObjectNode();
        if (schema != null) {
            JsonNode properties = schema.path("properties");
            for (JsonNode required : schema.path("required")) {
                if (required.isTextual() && "string".equals(properties.path(required.asText()).path("type").asText())) {
                    args.put(required.asText(), "x");
                }
            }
        }
        return args.toString();
    }
}
