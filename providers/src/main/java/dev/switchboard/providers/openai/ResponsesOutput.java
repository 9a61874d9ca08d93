package dev.switchboard.providers.openai;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.providers.ResponseContext;
import dev.switchboard.providers.chat.ChatError;
import dev.switchboard.providers.chat.ChatRequest;
import dev.switchboard.providers.chat.FinishReason;
import dev.switchboard.providers.chat.Part;
import dev.switchboard.providers.chat.Tool;
import dev.switchboard.providers.chat.ToolChoice;
import dev.switchboard.providers.chat.Usage;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A Responses API answer as it is built from events: its output items in order, its usage and its finish, and how
 * they are written as a {@code response} object (the whole body, and the {@code response} of the stream's created,
 * completed, incomplete and failed events).
 */
final class ResponsesOutput {
    private static final ObjectMapper TREES = new ObjectMapper();

    /*
     * Problem: the chat events are deltas of three kinds (thinking, text, tool calls) in the order the model made them;
     * a Responses answer is a list of items, each opened, filled and closed.
     * Approach: one item is open at a time. A delta of another kind than the open item's closes it and opens one of
     * its kind (a tool call always opens its own), so thinking, text, call, text gives four items in that order. The
     * stream encoder writes an item's opening events as it adds it and hears it close through a Listener; the body
     * encoder needs none. Arguments for a call that is no longer open (no backend interleaves calls) still go to its item.
     */

    enum Kind { REASONING, MESSAGE, FUNCTION_CALL }

    /** One output item. */
    static final class Item {
        final Kind kind;
        final String id;
        final int outputIndex;
        final StringBuilder text = new StringBuilder(); // the reasoning, the message's text, or the call's arguments
        String encryptedContent; // a reasoning item's signature or redacted data
        String callId;
        String name;
        int toolIndex = -1;
        boolean done;

        Item(Kind kind, String id, int outputIndex) {
            this.kind = kind;
            this.id = id;
            this.outputIndex = outputIndex;
        }
    }

    /** Hears items close (the stream encoder writes their done events; it writes the opening ones itself). */
    interface Listener {
        void closed(Item item);
    }

    private final ResponseContext context;
    private final Listener listener;
    private final List<Item> items = new ArrayList<>();
    private String id;
    private Usage usage = Usage.UNKNOWN;
    private FinishReason finish = FinishReason.END_TURN;

    ResponsesOutput(ResponseContext context, Listener listener) {
        this.context = context;
        this.listener = listener;
    }

    void start(String backendId) {
        id = "resp_" + (backendId != null ? backendId : context.requestId());
    }

    /** The open item if it is of {@code kind}, else a new one of that kind (the open one closed first). */
    Item item(Kind kind) {
        Item open = open();
        if (open != null && open.kind == kind) {
            return open;
        }
        return add(kind);
    }

    /** A new item of {@code kind}, the open one closed first. */
    Item add(Kind kind) {
        close();
        String prefix = switch (kind) {
            case REASONING -> "rs_";
            case MESSAGE -> "msg_";
            case FUNCTION_CALL -> "fc_";
        };
        Item item = new Item(kind, prefix + context.requestId() + "_" + items.size(), items.size());
        items.add(item);
        return item;
    }

    /** The function call item of tool call {@code toolIndex}, or null. */
    Item call(int toolIndex) {
        for (int i = items.size() - 1; i >= 0; i--) {
            Item it = items.get(i);
            if (it.kind == Kind.FUNCTION_CALL && it.toolIndex == toolIndex) {
                return it;
            }
        }
        return null;
    }

    /** The open item, or null. */
    Item open() {
        Item last = items.isEmpty() ? null : items.getLast();
        return last != null && !last.done ? last : null;
    }

    /** The last reasoning item, for a signature that follows its text. */
    Item lastReasoning() {
        for (int i = items.size() - 1; i >= 0; i--) {
            if (items.get(i).kind == Kind.REASONING) {
                return items.get(i);
            }
        }
        return null;
    }

    /** Closes the open item, if any. */
    void close() {
        Item open = open();
        if (open != null) {
            open.done = true;
            if (listener != null) {
                listener.closed(open);
            }
        }
    }

    void usage(Usage u) {
        usage = usage.merge(u);
    }

    void finish(FinishReason reason) {
        finish = reason;
        close();
    }

    /** {@code completed}, or {@code incomplete} when the answer was cut by the token limit or a filter. */
    String status() {
        return incompleteReason() == null ? "completed" : "incomplete";
    }

    /**
     * Why the answer is incomplete, or null. A paused turn (Anthropic {@code pause_turn}) reads as the token limit: the
     * word that tells a Responses client the answer is incomplete and may be continued.
     */
    private String incompleteReason() {
        return switch (finish) {
            case MAX_TOKENS, PAUSE -> "max_output_tokens";
            case CONTENT_FILTER -> "content_filter";
            default -> null;
        };
    }

    /**
     * Writes the {@code response} object. The request's settings ({@code instructions}, {@code tools},
     * {@code tool_choice}, {@code temperature}…) are repeated from the decoded request ({@link ResponseContext#request}):
     * the system prompt as the instructions, the function tools as function tools; without a request, neutral values
     * (null, {@code []}, {@code "auto"}), which the SDKs accept.
     *
     * @param status {@code in_progress} (with no output yet), {@code completed}, {@code incomplete} or {@code failed}
     * @param error  the failure, for {@code failed}; else null
     */
    void writeResponse(JsonGenerator g, String status, ChatError error) throws IOException {
        g.writeStartObject();
        g.writeStringField("id", id != null ? id : "resp_" + context.requestId());
        g.writeStringField("object", "response");
        g.writeNumberField("created_at", context.created());
        g.writeStringField("status", status);
        if (error != null) {
            g.writeObjectFieldStart("error");
            g.writeStringField("code", errorCode(error));
            g.writeStringField("message", error.message());
            g.writeEndObject();
        } else {
            g.writeNullField("error");
        }
        String reason = status.equals("incomplete") ? incompleteReason() : null;
        if (reason != null) {
            g.writeObjectFieldStart("incomplete_details");
            g.writeStringField("reason", reason);
            g.writeEndObject();
        } else {
            g.writeNullField("incomplete_details");
        }
        ChatRequest req = context.request();
        String instructions = req == null ? null : instructions(req);
        if (instructions != null) {
            g.writeStringField("instructions", instructions);
        } else {
            g.writeNullField("instructions");
        }
        if (req != null && req.maxTokens() != null) {
            g.writeNumberField("max_output_tokens", req.maxTokens());
        } else {
            g.writeNullField("max_output_tokens");
        }
        g.writeObjectFieldStart("metadata");
        g.writeEndObject();
        g.writeStringField("model", context.model());
        g.writeArrayFieldStart("output");
        if (!status.equals("in_progress")) {
            for (Item it : items) {
                writeItem(g, it, itemStatus(it, status), true);
            }
        }
        g.writeEndArray();
        g.writeBooleanField("parallel_tool_calls", req == null || req.parallelToolCalls() == null
                || req.parallelToolCalls());
        number(g, "temperature", req == null ? null : req.temperature());
        writeToolChoice(g, req == null ? null : req.toolChoice());
        g.writeArrayFieldStart("tools");
        if (req != null) {
            for (Tool t : req.tools()) {
                g.writeStartObject();
                g.writeStringField("type", "function");
                g.writeStringField("name", t.name());
                if (t.description() != null) {
                    g.writeStringField("description", t.description());
                }
                if (t.parameters() != null) {
                    g.writeFieldName("parameters");
                    TREES.writeTree(g, t.parameters()); // the generator has no codec of its own
                } else {
                    g.writeNullField("parameters");
                }
                g.writeBooleanField("strict", t.strict() != null && t.strict());
                g.writeEndObject();
            }
        }
        g.writeEndArray();
        number(g, "top_p", req == null ? null : req.topP());
        if (usage.known() && !status.equals("in_progress")) {
            writeUsage(g);
        } else {
            g.writeNullField("usage");
        }
        g.writeEndObject();
    }

    /** The system prompt's text parts, joined as the instructions; null for none. */
    private static String instructions(ChatRequest r) {
        StringBuilder b = new StringBuilder();
        for (Part p : r.system()) {
            if (p instanceof Part.Text t) {
                b.append(b.isEmpty() ? "" : "\n\n").append(t.text());
            }
        }
        return b.isEmpty() ? null : b.toString();
    }

    private static void number(JsonGenerator g, String field, Double value) throws IOException {
        if (value != null) {
            g.writeNumberField(field, value);
        } else {
            g.writeNullField(field);
        }
    }

    private static void writeToolChoice(JsonGenerator g, ToolChoice c) throws IOException {
        if (c == null || c.mode() == ToolChoice.Mode.AUTO) {
            g.writeStringField("tool_choice", "auto");
        } else if (c.mode() == ToolChoice.Mode.TOOL) {
            g.writeObjectFieldStart("tool_choice");
            g.writeStringField("type", "function");
            g.writeStringField("name", c.name());
            g.writeEndObject();
        } else {
            g.writeStringField("tool_choice", c.mode() == ToolChoice.Mode.NONE ? "none" : "required");
        }
    }

    /** The last item of an incomplete (or failed) answer is the one cut short. */
    private String itemStatus(Item it, String responseStatus) {
        return !it.done || (!responseStatus.equals("completed") && it == items.getLast()) ? "incomplete"
                : "completed";
    }

    /**
     * Writes one output item ({@code status} for message and function call items): {@code full}, or as it opens
     * (no text, no arguments).
     */
    void writeItem(JsonGenerator g, Item it, String status, boolean full) throws IOException {
        g.writeStartObject();
        switch (it.kind) {
            case REASONING -> {
                g.writeStringField("type", "reasoning");
                g.writeStringField("id", it.id);
                g.writeArrayFieldStart("summary");
                if (full && !it.text.isEmpty()) {
                    g.writeStartObject();
                    g.writeStringField("type", "summary_text");
                    g.writeStringField("text", it.text.toString());
                    g.writeEndObject();
                }
                g.writeEndArray();
                if (it.encryptedContent != null) {
                    g.writeStringField("encrypted_content", it.encryptedContent);
                }
            }
            case MESSAGE -> {
                g.writeStringField("type", "message");
                g.writeStringField("id", it.id);
                g.writeStringField("status", status);
                g.writeStringField("role", "assistant");
                g.writeArrayFieldStart("content");
                if (full) {
                    writeTextPart(g, it.text);
                }
                g.writeEndArray();
            }
            case FUNCTION_CALL -> {
                g.writeStringField("type", "function_call");
                g.writeStringField("id", it.id);
                g.writeStringField("call_id", it.callId);
                g.writeStringField("name", it.name);
                g.writeStringField("arguments", full ? it.text.toString() : "");
                g.writeStringField("status", status);
            }
        }
        g.writeEndObject();
    }

    /** An {@code output_text} part. */
    static void writeTextPart(JsonGenerator g, CharSequence text) throws IOException {
        g.writeStartObject();
        g.writeStringField("type", "output_text");
        g.writeStringField("text", text.toString());
        g.writeArrayFieldStart("annotations");
        g.writeEndArray();
        g.writeArrayFieldStart("logprobs");
        g.writeEndArray();
        g.writeEndObject();
    }

    /**
     * Counts the backend did not report are 0; the details objects are required by the SDKs. Cache writes
     * (Anthropic's cache_creation_input_tokens) are {@code cache_write_tokens}, part of {@code input_tokens}.
     */
    private void writeUsage(JsonGenerator g) throws IOException {
        long input = Math.max(0, usage.inputTokens());
        long output = Math.max(0, usage.outputTokens());
        g.writeObjectFieldStart("usage");
        g.writeNumberField("input_tokens", input);
        g.writeObjectFieldStart("input_tokens_details");
        g.writeNumberField("cached_tokens", Math.max(0, usage.cachedInputTokens()));
        g.writeNumberField("cache_write_tokens", Math.max(0, usage.cacheCreationTokens()));
        g.writeEndObject();
        g.writeNumberField("output_tokens", output);
        g.writeObjectFieldStart("output_tokens_details");
        g.writeNumberField("reasoning_tokens", Math.max(0, usage.reasoningTokens()));
        g.writeEndObject();
        g.writeNumberField("total_tokens", input + output);
        g.writeEndObject();
    }

    /** The codes of a response's {@code error} are a closed list; these are the three that fit. */
    static String errorCode(ChatError e) {
        return switch (e.kind()) {
            case RATE_LIMIT -> "rate_limit_exceeded";
            case INVALID_REQUEST -> "invalid_prompt";
            default -> "server_error";
        };
    }
}
