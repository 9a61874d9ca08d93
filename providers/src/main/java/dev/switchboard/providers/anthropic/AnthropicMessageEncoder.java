package dev.switchboard.providers.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.providers.ResponseContext;
import dev.switchboard.providers.chat.ChatError;
import dev.switchboard.providers.chat.ChatEvents;
import dev.switchboard.providers.chat.FinishReason;
import dev.switchboard.providers.chat.Usage;
import dev.switchboard.providers.wire.ByteSink;
import java.util.ArrayList;
import java.util.List;

/**
 * Collects events into one Messages response body, written at {@link #end()}: {@code id} (the backend's or
 * {@code msg_<requestId>}), {@code type}, {@code role}, {@code model} (the client's), {@code content} blocks in
 * order, {@code stop_reason}, {@code stop_sequence}, {@code usage}. Tool-call arguments are parsed back into the
 * {@code input} object. An {@link #error} writes Anthropic's error body instead.
 */
final class AnthropicMessageEncoder implements ChatEvents {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final ResponseContext context;
    private final ByteSink out;
    private final ArrayNode content = MAPPER.createArrayNode();
    private final StringBuilder buf = new StringBuilder();
    private final List<ObjectNode> toolBlocks = new ArrayList<>();
    private final List<StringBuilder> toolArgs = new ArrayList<>();
    private ObjectNode last;
    private String lastKind = "";
    private String id;
    private Usage usage = Usage.UNKNOWN;
    private FinishReason reason;
    private String stopSequence;
    private boolean closed;

    AnthropicMessageEncoder(ResponseContext context, ByteSink out) {
        this.context = context;
        this.out = out;
    }

    @Override
    public void start(String id, String model) {
        this.id = id;
    }

    @Override
    public void text(CharSequence delta) {
        append("text", delta);
    }

    @Override
    public void thinking(CharSequence delta) {
        if ("thinking".equals(lastKind) && last.has("signature") && !last.get("signature").asText().isEmpty()) {
            flush(); // a signed block is complete: new thinking starts another
            lastKind = "";
        }
        append("thinking", delta);
    }

    @Override
    public void thinkingSignature(String signature) {
        if (!"thinking".equals(lastKind)) {
            append("thinking", "");
        }
        last.put("signature", signature);
    }

    @Override
    public void redactedThinking(String data) {
        flush();
        ObjectNode b = content.addObject();
        b.put("type", "redacted_thinking");
        b.put("data", data);
        lastKind = "redacted_thinking";
        last = b;
    }

    @Override
    public void toolCall(int index, String toolId, String name) {
        flush();
        ObjectNode b = content.addObject();
        b.put("type", "tool_use");
        b.put("id", toolId);
        b.put("name", name);
        while (toolArgs.size() <= index) {
            toolBlocks.add(null);
            toolArgs.add(new StringBuilder());
        }
        toolBlocks.set(index, b);
        last = b;
        lastKind = "tool_use";
    }

    @Override
    public void toolArguments(int index, CharSequence delta) {
        if (index < toolArgs.size()) {
            toolArgs.get(index).append(delta); // by index: a whole body has no ordering limit
        }
    }

    @Override
    public void usage(Usage u) {
        usage = usage.merge(u);
    }

    @Override
    public void finish(FinishReason r, String seq) {
        reason = r;
        stopSequence = seq;
    }

    @Override
    public void end() {
        if (closed) {
            return;
        }
        flush();
        ObjectNode m = MAPPER.createObjectNode();
        m.put("id", id != null ? id : "msg_" + context.requestId());
        m.put("type", "message");
        m.put("role", "assistant");
        m.put("model", context.model());
        for (int i = 0; i < toolBlocks.size(); i++) {
            if (toolBlocks.get(i) != null) {
                toolBlocks.get(i).set("input", input(toolArgs.get(i).toString()));
            }
        }
        m.set("content", content);
        m.put("stop_reason", AnthropicStopReasons.encode(reason));
        if (stopSequence != null) {
            m.put("stop_sequence", stopSequence);
        } else {
            m.putNull("stop_sequence");
        }
        ObjectNode u = m.putObject("usage");
        u.put("input_tokens", Math.max(0, AnthropicUsage.uncachedInput(usage)));
        if (usage.cacheCreationTokens() >= 0) {
            u.put("cache_creation_input_tokens", usage.cacheCreationTokens());
        }
        if (usage.cachedInputTokens() >= 0) {
            u.put("cache_read_input_tokens", usage.cachedInputTokens());
        }
        u.put("output_tokens", Math.max(0, usage.outputTokens()));
        try {
            out.write(MAPPER.writeValueAsBytes(m));
        } catch (Exception e) {
            throw new IllegalStateException(e); // a tree always writes
        }
        closed = true;
    }

    @Override
    public void error(ChatError error) {
        if (!closed) {
            closed = true;
            out.write(AnthropicErrors.encode(error));
        }
    }

    private void append(String kind, CharSequence delta) {
        if (!kind.equals(lastKind)) {
            flush();
            last = content.addObject();
            last.put("type", kind);
            last.put(kind, "");
            if (kind.equals("thinking")) {
                last.put("signature", "");
            }
            lastKind = kind;
        }
        buf.append(delta);
    }

    /** Moves the buffered text or arguments into the last block. */
    private void flush() {
        if (last == null) {
            return;
        }
        switch (lastKind) {
            case "text" -> last.put("text", last.get("text").asText() + buf);
            case "thinking" -> last.put("thinking", last.get("thinking").asText() + buf);
            default -> { }
        }
        buf.setLength(0);
        lastKind = "";
    }

    private static JsonNode input(String args) {
        if (args.isBlank()) {
            return MAPPER.createObjectNode();
        }
        try {
            JsonNode n = MAPPER.readTree(args);
            if (n != null && n.isObject()) {
                return n;
            }
        } catch (Exception e) {
            // below
        }
        // Not an object (a backend's malformed arguments): keep the text where the client can see it.
        ObjectNode o = MAPPER.createObjectNode();
        o.put("_raw_arguments", args);
        return o;
    }
}
