package dev.switchboard.providers.bedrock;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.providers.chat.ChatError;
import dev.switchboard.providers.chat.ChatEvents;
import dev.switchboard.providers.chat.FinishReason;
import dev.switchboard.providers.chat.Usage;
import dev.switchboard.providers.wire.ByteSink;
import java.io.IOException;

/**
 * Events as a whole Converse answer (the simulator's Bedrock personality), written at {@link #end()}: adjacent
 * deltas of a kind are joined into one content block; a tool call's argument text is parsed back into its
 * {@code input} object. An error writes Bedrock's error body {@code {"message":"..."}} instead.
 */
final class ConverseResponseWriter implements ChatEvents {
    private final ObjectMapper json;
    private final ByteSink out;
    private final ArrayNode content;
    private final StringBuilder text = new StringBuilder();
    private final StringBuilder arguments = new StringBuilder();
    private ObjectNode reasoning;
    private ObjectNode toolUse;
    private String stopReason = "end_turn";
    private Usage usage = Usage.UNKNOWN;

    ConverseResponseWriter(ObjectMapper json, ByteSink out) {
        this.json = json;
        this.out = out;
        this.content = json.createArrayNode();
    }

    @Override
    public void start(String id, String model) {}

    @Override
    public void text(CharSequence delta) {
        if (text.isEmpty()) {
            closeBlock();
        }
        text.append(delta);
    }

    @Override
    public void thinking(CharSequence delta) {
        if (reasoning == null) {
            closeBlock();
            reasoning = json.createObjectNode().put("text", "");
        }
        reasoning.put("text", reasoning.get("text").asText() + delta);
    }

    @Override
    public void thinkingSignature(String signature) {
        if (reasoning == null) {
            thinking("");
        }
        reasoning.put("signature", signature);
    }

    @Override
    public void redactedThinking(String data) {
        closeBlock();
        content.addObject().putObject("reasoningContent").put("redactedContent", data);
    }

    @Override
    public void toolCall(int index, String id, String name) {
        closeBlock();
        toolUse = json.createObjectNode().put("toolUseId", id).put("name", name);
    }

    @Override
    public void toolArguments(int index, CharSequence delta) {
        arguments.append(delta);
    }

    @Override
    public void usage(Usage u) {
        usage = usage.merge(u);
    }

    @Override
    public void finish(FinishReason reason, String stopSequence) {
        stopReason = StopReasons.of(reason);
    }

    @Override
    public void end() {
        closeBlock();
        ObjectNode body = json.createObjectNode();
        ObjectNode message = body.putObject("output").putObject("message");
        message.put("role", "assistant");
        message.set("content", content);
        body.put("stopReason", stopReason);
        long[] u = ConverseUsage.toConverse(usage);
        ObjectNode usageNode = body.putObject("usage").put("inputTokens", u[0]).put("outputTokens", u[1])
                .put("totalTokens", u[0] + u[1] + u[2] + u[3]);
        if (u[2] > 0 || u[3] > 0) {
            usageNode.put("cacheReadInputTokens", u[2]).put("cacheWriteInputTokens", u[3]);
        }
        body.putObject("metrics").put("latencyMs", 0);
        write(body);
    }

    @Override
    public void error(ChatError error) {
        write(json.createObjectNode().put("message", error.message()));
    }

    private void closeBlock() {
        if (!text.isEmpty()) {
            content.addObject().put("text", text.toString());
            text.setLength(0);
        }
        if (reasoning != null) {
            content.addObject().putObject("reasoningContent").set("reasoningText", reasoning);
            reasoning = null;
        }
        if (toolUse != null) {
            JsonNode input;
            try {
                input = arguments.isEmpty() ? json.createObjectNode() : json.readTree(arguments.toString());
            } catch (IOException e) {
                input = json.createObjectNode(); // the engine wrote arguments that are not JSON: send none
            }
            toolUse.set("input", input);
            content.addObject().set("toolUse", toolUse);
            toolUse = null;
            arguments.setLength(0);
        }
    }

    private void write(ObjectNode body) {
        try {
            out.write(json.writeValueAsBytes(body));
        } catch (IOException e) {
            throw new IllegalStateException(e); // a ByteSink does not fail
        }
    }
}
