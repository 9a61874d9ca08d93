package dev.switchboard.providers.openai;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.openai.core.ObjectMappers;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseFunctionToolCall;
import com.openai.models.responses.ResponseOutputItem;
import com.openai.models.responses.ResponseReasoningItem;
import com.openai.models.responses.ResponseStatus;
import com.openai.models.responses.ResponseStreamEvent;
import com.openai.models.responses.ResponseUsage;
import dev.switchboard.providers.ResponseContext;
import dev.switchboard.providers.chat.ChatError;
import dev.switchboard.providers.chat.ChatEvents;
import dev.switchboard.providers.chat.ChatRequest;
import dev.switchboard.providers.chat.FinishReason;
import dev.switchboard.providers.chat.Message;
import dev.switchboard.providers.chat.Part;
import dev.switchboard.providers.chat.Usage;
import dev.switchboard.providers.wire.ByteSink;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The Responses answers, whole and streamed, checked by the official OpenAI Java SDK parsing and validating them, and
 * by sending the answer's items back as the next request's input.
 */
class OpenAiResponsesEncoderTest {
    private static final JsonMapper SDK = ObjectMappers.jsonMapper();
    private static final ResponseContext CONTEXT = new ResponseContext("my-model", "req-1", 1700000000L, false);
    private final OpenAiResponsesCodec codec = new OpenAiResponsesCodec();
    private final ObjectMapper json = new ObjectMapper();
    private final ByteSink out = new ByteSink();

    @Test
    void wholeAnswerIsAResponseTheSdkValidates() throws Exception {
        OpenAiResponseEncoderTest.toolAnswer(codec.responseEncoder(false, CONTEXT, out));
        Response r = SDK.readValue(out.toString(), Response.class).validate();
        assertThat(r.id()).isEqualTo("resp_msg_01");
        assertThat(r.createdAt()).isEqualTo(1700000000.0);
        assertThat(r.model().asString()).isEqualTo("my-model");
        assertThat(r.status()).contains(ResponseStatus.COMPLETED);
        assertThat(r.incompleteDetails()).isEmpty();
        assertThat(r.output()).hasSize(4);

        ResponseReasoningItem reasoning = r.output().get(0).asReasoning();
        assertThat(reasoning.summary()).singleElement().satisfies(s -> assertThat(s.text())
                .isEqualTo("The user wants weather."));
        assertThat(reasoning.encryptedContent()).contains("sig-abc");

        var message = r.output().get(1).asMessage();
        assertThat(message.status()).isEqualTo(com.openai.models.responses.ResponseOutputMessage.Status.COMPLETED);
        assertThat(message.content()).singleElement().satisfies(c -> {
            assertThat(c.asOutputText().text()).isEqualTo("Let me check both.");
            assertThat(c.asOutputText().annotations()).isEmpty();
        });

        ResponseFunctionToolCall weather = r.output().get(2).asFunctionCall();
        assertThat(weather.callId()).isEqualTo("toolu_01");
        assertThat(weather.name()).isEqualTo("get_weather");
        assertThat(weather.arguments()).isEqualTo("{\"location\":\"Paris\"}");
        assertThat(weather.status()).contains(ResponseFunctionToolCall.Status.COMPLETED);
        assertThat(r.output().get(3).asFunctionCall().arguments()).isEqualTo("{}");
        assertThat(r.output()).extracting(this::itemId).doesNotHaveDuplicates();

        ResponseUsage u = r.usage().orElseThrow();
        assertThat(u.inputTokens()).isEqualTo(120);
        assertThat(u.inputTokensDetails().cachedTokens()).isEqualTo(100);
        assertThat(u.inputTokensDetails().cacheWriteTokens()).isZero();
        assertThat(u.outputTokens()).isEqualTo(40);
        assertThat(u.outputTokensDetails().reasoningTokens()).isEqualTo(12);
        assertThat(u.totalTokens()).isEqualTo(160);
    }

    /** A multi-turn conversation: the answer's output items, sent back as input, are the same assistant turn. */
    @Test
    void outputItemsSentBackAreTheAssistantTurnAgain() throws Exception {
        OpenAiResponseEncoderTest.toolAnswer(codec.responseEncoder(false, CONTEXT, out));
        ObjectNode next = json.createObjectNode().put("model", "my-model");
        ArrayNode input = next.putArray("input");
        input.addObject().put("role", "user").put("content", "Weather and time in Paris?");
        input.addAll((ArrayNode) json.readTree(out.toString()).get("output"));
        input.addObject().put("type", "function_call_output").put("call_id", "toolu_01").put("output", "14C");
        ChatRequest r = codec.decodeRequest(json.writeValueAsBytes(next), null);
        assertThat(r.messages().get(1)).isEqualTo(new Message(Message.Role.ASSISTANT, List.of(
                new Part.Thinking("The user wants weather.", "sig-abc"), new Part.Text("Let me check both."),
                new Part.ToolCall("toolu_01", "get_weather", "{\"location\":\"Paris\"}"),
                new Part.ToolCall("toolu_02", "get_time", "{}"))));
        assertThat(r.messages().get(2).content()).containsExactly(
                new Part.ToolResult("toolu_01", null, List.of(new Part.Text("14C")), false));
    }

    @Test
    void tokenLimitIsIncomplete() throws Exception {
        ChatEvents e = codec.responseEncoder(false, CONTEXT, out);
        e.start(null, null);
        e.text("Once upon");
        e.finish(FinishReason.MAX_TOKENS, null);
        e.end();
        Response r = SDK.readValue(out.toString(), Response.class).validate();
        assertThat(r.id()).isEqualTo("resp_req-1");
        assertThat(r.status()).contains(ResponseStatus.INCOMPLETE);
        assertThat(r.incompleteDetails().orElseThrow().reason())
                .contains(Response.IncompleteDetails.Reason.MAX_OUTPUT_TOKENS);
        assertThat(r.output().getFirst().asMessage().status())
                .isEqualTo(com.openai.models.responses.ResponseOutputMessage.Status.INCOMPLETE);
        assertThat(r.usage()).isEmpty();
    }

    @Test
    void wholeErrorIsOpenAiErrorBody() throws Exception {
        ChatEvents e = codec.responseEncoder(false, CONTEXT, out);
        e.start(null, null);
        e.error(new ChatError(529, ChatError.Kind.OVERLOADED, "Overloaded", null));
        assertThat(json.readTree(out.toString())).isEqualTo(json.readTree(
                "{\"error\":{\"message\":\"Overloaded\",\"type\":\"service_unavailable\",\"param\":null,\"code\":null}}"));
    }

    @Test
    void streamIsTheDocumentedEventSequenceTheSdkParses() throws Exception {
        OpenAiResponseEncoderTest.toolAnswer(codec.responseEncoder(true, CONTEXT, out));
        List<String[]> events = events(out.toString());
        List<ResponseStreamEvent> parsed = new ArrayList<>();
        for (int i = 0; i < events.size(); i++) {
            JsonNode data = json.readTree(events.get(i)[1]);
            assertThat(data.get("type").asText()).isEqualTo(events.get(i)[0]);
            assertThat(data.get("sequence_number").asInt()).isEqualTo(i);
            parsed.add(SDK.readValue(events.get(i)[1], ResponseStreamEvent.class).validate());
        }
        assertThat(events).extracting(ev -> ev[0]).containsExactly(
                "response.created", "response.in_progress",
                "response.output_item.added", "response.reasoning_summary_part.added",
                "response.reasoning_summary_text.delta",
                "response.reasoning_summary_text.done", "response.reasoning_summary_part.done",
                "response.output_item.done",
                "response.output_item.added", "response.content_part.added",
                "response.output_text.delta", "response.output_text.delta",
                "response.output_text.done", "response.content_part.done", "response.output_item.done",
                "response.output_item.added", "response.function_call_arguments.delta",
                "response.function_call_arguments.delta", "response.function_call_arguments.done",
                "response.output_item.done",
                "response.output_item.added", "response.function_call_arguments.delta",
                "response.function_call_arguments.done", "response.output_item.done",
                "response.completed");

        Response created = parsed.get(0).asCreated().response();
        assertThat(created.status()).contains(ResponseStatus.IN_PROGRESS);
        assertThat(created.output()).isEmpty();
        assertThat(parsed.get(4).asReasoningSummaryTextDelta().delta()).isEqualTo("The user wants weather.");
        assertThat(parsed.get(7).asOutputItemDone().item().asReasoning().encryptedContent()).contains("sig-abc");
        var added = parsed.get(8).asOutputItemAdded();
        assertThat(added.outputIndex()).isEqualTo(1);
        String messageId = added.item().asMessage().id();
        var delta = parsed.get(11).asOutputTextDelta();
        assertThat(delta.delta()).isEqualTo(" both.");
        assertThat(delta.itemId()).isEqualTo(messageId);
        assertThat(delta.outputIndex()).isEqualTo(1);
        assertThat(delta.contentIndex()).isZero();
        assertThat(parsed.get(12).asOutputTextDone().text()).isEqualTo("Let me check both.");
        ResponseFunctionToolCall call = parsed.get(15).asOutputItemAdded().item().asFunctionCall();
        assertThat(call.callId()).isEqualTo("toolu_01");
        assertThat(call.name()).isEqualTo("get_weather");
        assertThat(call.arguments()).isEmpty();
        assertThat(parsed.get(16).asFunctionCallArgumentsDelta().itemId()).isEqualTo(call.id().orElseThrow());
        assertThat(parsed.get(18).asFunctionCallArgumentsDone().arguments()).isEqualTo("{\"location\":\"Paris\"}");

        // the completed event's response is the whole answer, exactly as the non-streamed body
        ByteSink whole = new ByteSink();
        OpenAiResponseEncoderTest.toolAnswer(codec.responseEncoder(false, CONTEXT, whole));
        assertThat(json.readTree(events.getLast()[1]).get("response")).isEqualTo(json.readTree(whole.toString()));
        assertThat(parsed.getLast().asCompleted().response().usage().orElseThrow().totalTokens()).isEqualTo(160);
    }

    @Test
    void streamCutByAFilterEndsIncomplete() throws Exception {
        ChatEvents e = codec.responseEncoder(true, CONTEXT, out);
        e.start("id-1", null);
        e.text("Sorry");
        e.finish(FinishReason.CONTENT_FILTER, null);
        e.end();
        List<String[]> events = events(out.toString());
        assertThat(events.getLast()[0]).isEqualTo("response.incomplete");
        Response r = SDK.readValue(events.getLast()[1], ResponseStreamEvent.class).validate().asIncomplete()
                .response();
        assertThat(r.incompleteDetails().orElseThrow().reason())
                .contains(Response.IncompleteDetails.Reason.CONTENT_FILTER);
    }

    @Test
    void streamErrorIsResponseFailedAndNothingAfter() throws Exception {
        ChatEvents e = codec.responseEncoder(true, CONTEXT, out);
        e.start("id-1", null);
        e.text("Hel");
        e.error(new ChatError(502, ChatError.Kind.SERVER, "the backend's stream was cut", null));
        e.end();
        List<String[]> events = events(out.toString());
        assertThat(events.getLast()[0]).isEqualTo("response.failed");
        Response r = SDK.readValue(events.getLast()[1], ResponseStreamEvent.class).validate().asFailed().response();
        assertThat(r.status()).contains(ResponseStatus.FAILED);
        assertThat(r.error().orElseThrow().code().asString()).isEqualTo("server_error");
        assertThat(r.error().orElseThrow().message()).isEqualTo("the backend's stream was cut");
    }

    @Test
    void redactedThinkingIsAReasoningItemWithOnlyEncryptedContent() throws Exception {
        ChatEvents e = codec.responseEncoder(true, CONTEXT, out);
        e.start("id-1", null);
        e.redactedThinking("EncryptedData==");
        e.text("Hi");
        e.finish(FinishReason.END_TURN, null);
        e.end();
        List<String[]> events = events(out.toString());
        assertThat(events.subList(2, 4)).extracting(ev -> ev[0])
                .containsExactly("response.output_item.added", "response.output_item.done");
        Response r = SDK.readValue(events.getLast()[1], ResponseStreamEvent.class).validate().asCompleted()
                .response();
        assertThat(r.output().getFirst().asReasoning().summary()).isEmpty();
        assertThat(r.output().getFirst().asReasoning().encryptedContent()).contains("EncryptedData==");
        assertThat(r.output().get(1).asMessage().content().getFirst().asOutputText().text()).isEqualTo("Hi");
    }

    private String itemId(ResponseOutputItem item) {
        return item.isReasoning() ? item.asReasoning().id() : item.isMessage() ? item.asMessage().id()
                : item.asFunctionCall().id().orElseThrow();
    }

    /** The SSE events as (event name, data), every event having both. */
    private static List<String[]> events(String sse) {
        List<String[]> out = new ArrayList<>();
        for (String block : sse.split("\n\n")) {
            String[] lines = block.split("\n");
            assertThat(lines).hasSize(2);
            assertThat(lines[0]).startsWith("event: ");
            assertThat(lines[1]).startsWith("data: ");
            out.add(new String[] {lines[0].substring(7), lines[1].substring(6)});
        }
        return out;
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
