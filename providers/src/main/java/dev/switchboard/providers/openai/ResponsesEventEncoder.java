package dev.switchboard.providers.openai;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.switchboard.providers.ResponseContext;
import dev.switchboard.providers.chat.ChatError;
import dev.switchboard.providers.chat.ChatEvents;
import dev.switchboard.providers.chat.FinishReason;
import dev.switchboard.providers.chat.Usage;
import dev.switchboard.providers.wire.ByteSink;
import dev.switchboard.providers.wire.Chars;
import dev.switchboard.providers.wire.SseWriter;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Writes events as a streamed Responses API answer: named SSE events ({@code event: <type>}) whose data carries the
 * same {@code type} and a {@code sequence_number} from 0, as OpenAI sends them.
 *
 * <ul>
 *   <li>{@code response.created} and {@code response.in_progress}, with the response in progress and no output.</li>
 *   <li>A reasoning item (thinking): {@code response.output_item.added}, {@code response.reasoning_summary_part.added},
 *       a {@code response.reasoning_summary_text.delta} per delta; closed by {@code .reasoning_summary_text.done},
 *       {@code .reasoning_summary_part.done} and {@code response.output_item.done}, whose item carries the thinking
 *       signature as {@code encrypted_content}. Redacted thinking is an item with only {@code encrypted_content},
 *       added and done at once.</li>
 *   <li>A message item (text): {@code .output_item.added}, {@code response.content_part.added}, a
 *       {@code response.output_text.delta} per delta; closed by {@code .output_text.done}, {@code .content_part.done},
 *       {@code .output_item.done}.</li>
 *   <li>A function call item: {@code .output_item.added} (arguments empty), a
 *       {@code response.function_call_arguments.delta} per delta; closed by {@code .function_call_arguments.done} and
 *       {@code .output_item.done}.</li>
 *   <li>{@code response.completed}, or {@code response.incomplete} (token limit, filter), with the whole response
 *       and its usage.</li>
 *   <li>An error after the start is {@code response.failed} with the response so far and its {@code error}
 *       ({@code code}, {@code message}); before the start, an {@code error} event. Nothing follows either.</li>
 * </ul>
 */
final class ResponsesEventEncoder implements ChatEvents, ResponsesOutput.Listener {
    private final SseWriter sse;
    private final ResponsesOutput output;
    private long sequence;
    private boolean started;
    private boolean closed;

    ResponsesEventEncoder(ResponseContext context, ByteSink out) {
        this.sse = new SseWriter(out);
        this.output = new ResponsesOutput(context, this);
    }

    @Override
    public void start(String backendId, String backendModel) {
        output.start(backendId);
        started = true;
        try {
            responseEvent("response.created", "in_progress", null);
            responseEvent("response.in_progress", "in_progress", null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void text(CharSequence delta) {
        ResponsesOutput.Item it = item(ResponsesOutput.Kind.MESSAGE);
        it.text.append(delta);
        try {
            JsonGenerator g = begin("response.output_text.delta", it);
            g.writeNumberField("content_index", 0);
            g.writeFieldName("delta");
            Chars.writeString(g, delta);
            g.writeArrayFieldStart("logprobs");
            g.writeEndArray();
            endEvent(g);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void thinking(CharSequence delta) {
        ResponsesOutput.Item it = item(ResponsesOutput.Kind.REASONING);
        it.text.append(delta);
        try {
            JsonGenerator g = begin("response.reasoning_summary_text.delta", it);
            g.writeNumberField("summary_index", 0);
            g.writeFieldName("delta");
            Chars.writeString(g, delta);
            endEvent(g);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void thinkingSignature(String signature) {
        ResponsesOutput.Item r = output.lastReasoning();
        if (r != null) {
            r.encryptedContent = signature; // written with the item's done event
        }
    }

    @Override
    public void redactedThinking(String data) {
        ResponsesOutput.Item it = output.add(ResponsesOutput.Kind.REASONING);
        it.encryptedContent = data;
        added(it);
        output.close();
    }

    @Override
    public void toolCall(int index, String callId, String name) {
        ResponsesOutput.Item it = output.add(ResponsesOutput.Kind.FUNCTION_CALL);
        it.toolIndex = index;
        it.callId = callId;
        it.name = name;
        added(it);
    }

    @Override
    public void toolArguments(int index, CharSequence delta) {
        ResponsesOutput.Item it = output.call(index);
        if (it == null) {
            return;
        }
        it.text.append(delta);
        if (it.done) {
            return; // its done event is written; the whole response will carry these arguments
        }
        try {
            JsonGenerator g = begin("response.function_call_arguments.delta", it);
            g.writeFieldName("delta");
            Chars.writeString(g, delta);
            endEvent(g);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void usage(Usage u) {
        output.usage(u);
    }

    @Override
    public void finish(FinishReason reason, String stopSequence) {
        output.finish(reason);
    }

    @Override
    public void end() {
        if (closed) {
            return;
        }
        closed = true;
        output.close();
        String status = output.status();
        try {
            responseEvent(status.equals("completed") ? "response.completed" : "response.incomplete", status, null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void error(ChatError error) {
        if (closed) {
            return;
        }
        closed = true;
        try {
            if (started) {
                responseEvent("response.failed", "failed", error);
                return;
            }
            JsonGenerator g = sse.begin("error");
            g.writeStartObject();
            g.writeStringField("type", "error");
            g.writeStringField("code", ResponsesOutput.errorCode(error));
            g.writeStringField("message", error.message());
            g.writeStringField("param", error.param());
            g.writeNumberField("sequence_number", sequence++);
            g.writeEndObject();
            sse.end();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The open item of {@code kind}, or a new one whose opening events are written now. */
    private ResponsesOutput.Item item(ResponsesOutput.Kind kind) {
        ResponsesOutput.Item open = output.open();
        if (open != null && open.kind == kind) {
            return open;
        }
        ResponsesOutput.Item it = output.add(kind);
        added(it);
        return it;
    }

    /** An item's opening events: output_item.added, and its first part's added event where it has parts. */
    private void added(ResponsesOutput.Item it) {
        try {
            JsonGenerator g = begin("response.output_item.added", null);
            g.writeNumberField("output_index", it.outputIndex);
            g.writeFieldName("item");
            output.writeItem(g, it, "in_progress", false);
            endEvent(g);
            switch (it.kind) {
                case MESSAGE -> {
                    g = begin("response.content_part.added", it);
                    g.writeNumberField("content_index", 0);
                    g.writeFieldName("part");
                    ResponsesOutput.writeTextPart(g, "");
                    endEvent(g);
                }
                case REASONING -> {
                    if (it.encryptedContent == null) { // not redacted: it has text to come
                        g = begin("response.reasoning_summary_part.added", it);
                        g.writeNumberField("summary_index", 0);
                        writeSummaryPart(g, "");
                        endEvent(g);
                    }
                }
                case FUNCTION_CALL -> {}
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** An item's closing events, ending with output_item.done and the whole item. */
    @Override
    public void closed(ResponsesOutput.Item it) {
        try {
            JsonGenerator g;
            switch (it.kind) {
                case MESSAGE -> {
                    g = begin("response.output_text.done", it);
                    g.writeNumberField("content_index", 0);
                    g.writeStringField("text", it.text.toString());
                    g.writeArrayFieldStart("logprobs");
                    g.writeEndArray();
                    endEvent(g);
                    g = begin("response.content_part.done", it);
                    g.writeNumberField("content_index", 0);
                    g.writeFieldName("part");
                    ResponsesOutput.writeTextPart(g, it.text);
                    endEvent(g);
                }
                case REASONING -> {
                    if (!it.text.isEmpty()) {
                        g = begin("response.reasoning_summary_text.done", it);
                        g.writeNumberField("summary_index", 0);
                        g.writeStringField("text", it.text.toString());
                        endEvent(g);
                        g = begin("response.reasoning_summary_part.done", it);
                        g.writeNumberField("summary_index", 0);
                        writeSummaryPart(g, it.text);
                        endEvent(g);
                    }
                }
                case FUNCTION_CALL -> {
                    g = begin("response.function_call_arguments.done", it);
                    g.writeStringField("name", it.name);
                    g.writeStringField("arguments", it.text.toString());
                    endEvent(g);
                }
            }
            g = begin("response.output_item.done", null);
            g.writeNumberField("output_index", it.outputIndex);
            g.writeFieldName("item");
            output.writeItem(g, it, "completed", true);
            endEvent(g);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void writeSummaryPart(JsonGenerator g, CharSequence text) throws IOException {
        g.writeObjectFieldStart("part");
        g.writeStringField("type", "summary_text");
        g.writeStringField("text", text.toString());
        g.writeEndObject();
    }

    private void responseEvent(String type, String status, ChatError error) throws IOException {
        JsonGenerator g = begin(type, null);
        g.writeFieldName("response");
        output.writeResponse(g, status, error);
        endEvent(g);
    }

    /** Opens event {@code type}'s data: its type, sequence number, and the item it is about when there is one. */
    private JsonGenerator begin(String type, ResponsesOutput.Item item) throws IOException {
        JsonGenerator g = sse.begin(type);
        g.writeStartObject();
        g.writeStringField("type", type);
        g.writeNumberField("sequence_number", sequence++);
        if (item != null) {
            g.writeStringField("item_id", item.id);
            g.writeNumberField("output_index", item.outputIndex);
        }
        return g;
    }

    private void endEvent(JsonGenerator g) throws IOException {
        g.writeEndObject();
        sse.end();
    }
}
