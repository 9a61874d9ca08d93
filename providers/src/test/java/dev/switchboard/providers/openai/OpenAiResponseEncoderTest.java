package dev.switchboard.providers.openai;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.openai.core.ObjectMappers;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionMessageFunctionToolCall;
import dev.switchboard.providers.ResponseContext;
import dev.switchboard.providers.ResponseDecoder;
import dev.switchboard.providers.chat.ChatError;
import dev.switchboard.providers.chat.ChatEvents;
import dev.switchboard.providers.chat.FinishReason;
import dev.switchboard.providers.chat.RecordedEvents;
import dev.switchboard.providers.chat.Usage;
import dev.switchboard.providers.wire.ByteSink;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The client-side encoders, checked by the official OpenAI Java SDK parsing (and validating) what they write, and by
 * decoding it again with this codec's own decoders.
 */
class OpenAiResponseEncoderTest {
    private static final JsonMapper SDK = ObjectMappers.jsonMapper();
    private final OpenAiChatCodec codec = new OpenAiChatCodec();
    private final ByteSink out = new ByteSink();

    /** An answer that thinks, says something, and calls two tools, as a backend of another format reports it. */
    static void toolAnswer(ChatEvents e) {
        e.start("msg_01", "claude-sonnet-4-5");
        e.thinking("The user wants weather.");
        e.thinkingSignature("sig-abc");
        e.text("Let me check");
        e.text(" both.");
        e.toolCall(0, "toolu_01", "get_weather");
        e.toolArguments(0, "{\"location\":");
        e.toolArguments(0, "\"Paris\"}");
        e.toolCall(1, "toolu_02", "get_time");
        e.toolArguments(1, "{}");
        e.usage(new Usage(120, -1, 100, 0, -1));
        e.usage(new Usage(-1, 40, -1, -1, 12));
        e.finish(FinishReason.TOOL_USE, null);
        e.end();
    }

    @Test
    void streamIsChunksTheSdkParsesThenUsageThenDone() throws Exception {
        toolAnswer(codec.responseEncoder(true, new ResponseContext("my-model", "req-1", 1700000000L, true), out));
        List<String> data = dataOf(out.toString());
        assertThat(data.getLast()).isEqualTo("[DONE]");
        List<ChatCompletionChunk> chunks = new ArrayList<>();
        for (String d : data.subList(0, data.size() - 1)) {
            chunks.add(SDK.readValue(d, ChatCompletionChunk.class).validate());
        }
        assertThat(chunks).allSatisfy(c -> {
            assertThat(c.id()).isEqualTo("msg_01");
            assertThat(c.model()).isEqualTo("my-model");
            assertThat(c.created()).isEqualTo(1700000000L);
        });
        ChatCompletionChunk.Choice.Delta first = chunks.getFirst().choices().getFirst().delta();
        assertThat(first.role()).contains(ChatCompletionChunk.Choice.Delta.Role.ASSISTANT);
        assertThat(first.content()).contains("");
        assertThat(chunks.get(1).choices().getFirst().delta()._additionalProperties().get("reasoning_content")
                .asString()).contains("The user wants weather.");
        assertThat(chunks.get(2).choices().getFirst().delta().content()).contains("Let me check");
        ChatCompletionChunk.Choice.Delta.ToolCall call = chunks.get(4).choices().getFirst().delta().toolCalls()
                .orElseThrow().getFirst();
        assertThat(call.index()).isZero();
        assertThat(call.id()).contains("toolu_01");
        assertThat(call.function().orElseThrow().name()).contains("get_weather");
        assertThat(call.function().orElseThrow().arguments()).contains("");
        ChatCompletionChunk.Choice.Delta.ToolCall args = chunks.get(5).choices().getFirst().delta().toolCalls()
                .orElseThrow().getFirst();
        assertThat(args.id()).isEmpty();
        assertThat(args.function().orElseThrow().arguments()).contains("{\"location\":");
        ChatCompletionChunk finish = chunks.get(chunks.size() - 2);
        assertThat(finish.choices().getFirst().finishReason())
                .contains(ChatCompletionChunk.Choice.FinishReason.TOOL_CALLS);
        ChatCompletionChunk usage = chunks.getLast();
        assertThat(usage.choices()).isEmpty();
        assertThat(usage.usage().orElseThrow().promptTokens()).isEqualTo(120);
        assertThat(usage.usage().orElseThrow().completionTokens()).isEqualTo(40);
        assertThat(usage.usage().orElseThrow().totalTokens()).isEqualTo(160);
        assertThat(usage.usage().orElseThrow().promptTokensDetails().orElseThrow().cachedTokens()).contains(100L);
        assertThat(usage.usage().orElseThrow().completionTokensDetails().orElseThrow().reasoningTokens())
                .contains(12L);
        assertThat(chunks).hasSize(11); // role, thinking, 2 texts, call, 2 args, call, args, finish, usage
    }

    @Test
    void streamDecodesBackToTheSameEventsLessWhatOpenAiCannotCarry() {
        toolAnswer(codec.responseEncoder(true, new ResponseContext("my-model", "req-1", 1L, true), out));
        RecordedEvents again = new RecordedEvents();
        ResponseDecoder d = codec.responseDecoder(true, again);
        d.feed(out.view());
        d.end();
        assertThat(again.joined()).containsExactly(
                "start:msg_01:my-model",
                "thinking:The user wants weather.",
                "text:Let me check both.",
                "tool:0:toolu_01:get_weather",
                "args:0:{\"location\":\"Paris\"}",
                "tool:1:toolu_02:get_time",
                "args:1:{}",
                "usage:120/40/100/-1/12",
                "finish:TOOL_USE:null",
                "end");
    }

    @Test
    void withoutIncludeUsageTheUsageChunkIsHiddenAndTheIdComesFromTheRequest() throws Exception {
        ChatEvents e = codec.responseEncoder(true, new ResponseContext("gpt-4o", "req-7", 5L, false), out);
        e.start(null, "backend-name");
        e.text("Hi");
        e.usage(new Usage(3, 1, -1, -1, -1));
        e.finish(FinishReason.END_TURN, null);
        e.end();
        assertThat(out.toString()).isEqualTo(""
                + "data: {\"id\":\"chatcmpl-req-7\",\"object\":\"chat.completion.chunk\",\"created\":5,\"model\":\"gpt-4o\","
                + "\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"logprobs\":null,"
                + "\"finish_reason\":null}]}\n\n"
                + "data: {\"id\":\"chatcmpl-req-7\",\"object\":\"chat.completion.chunk\",\"created\":5,\"model\":\"gpt-4o\","
                + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi\"},\"logprobs\":null,\"finish_reason\":null}]}\n\n"
                + "data: {\"id\":\"chatcmpl-req-7\",\"object\":\"chat.completion.chunk\",\"created\":5,\"model\":\"gpt-4o\","
                + "\"choices\":[{\"index\":0,\"delta\":{},\"logprobs\":null,\"finish_reason\":\"stop\"}]}\n\n"
                + "data: [DONE]\n\n");
    }

    @Test
    void anErrorMidStreamIsAnErrorEventAndTheEnd() throws Exception {
        ChatEvents e = codec.responseEncoder(true, new ResponseContext("gpt-4o", "r", 5L, true), out);
        e.start("x", null);
        e.text("Hi");
        e.error(new ChatError(502, ChatError.Kind.SERVER, "the backend's stream was cut", null));
        e.end(); // ignored after an error
        List<String> data = dataOf(out.toString());
        assertThat(data).hasSize(3);
        assertThat(SDK.readTree(data.getLast())).isEqualTo(SDK.readTree(
                "{\"error\":{\"message\":\"the backend's stream was cut\",\"type\":\"server_error\",\"param\":null,"
                        + "\"code\":null}}"));
    }

    @Test
    void wholeBodyIsAChatCompletionTheSdkParses() throws Exception {
        toolAnswer(codec.responseEncoder(false, new ResponseContext("my-model", "req-1", 1700000000L, false), out));
        ChatCompletion c = SDK.readValue(out.toString(), ChatCompletion.class).validate();
        assertThat(c.id()).isEqualTo("msg_01");
        assertThat(c.model()).isEqualTo("my-model");
        assertThat(c.created()).isEqualTo(1700000000L);
        ChatCompletion.Choice choice = c.choices().getFirst();
        assertThat(choice.finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.TOOL_CALLS);
        assertThat(choice.message().content()).contains("Let me check both.");
        assertThat(choice.message()._additionalProperties().get("reasoning_content").asString())
                .contains("The user wants weather.");
        List<ChatCompletionMessageFunctionToolCall> calls = choice.message().toolCalls().orElseThrow().stream()
                .map(t -> t.asFunction()).toList();
        assertThat(calls).extracting(ChatCompletionMessageFunctionToolCall::id).containsExactly("toolu_01", "toolu_02");
        assertThat(calls.getFirst().function().name()).isEqualTo("get_weather");
        assertThat(calls.getFirst().function().arguments()).isEqualTo("{\"location\":\"Paris\"}");
        assertThat(c.usage().orElseThrow().promptTokensDetails().orElseThrow().cachedTokens()).contains(100L);
        assertThat(c.usage().orElseThrow().completionTokensDetails().orElseThrow().reasoningTokens()).contains(12L);
        assertThat(c.usage().orElseThrow().totalTokens()).isEqualTo(160);
    }

    @Test
    void wholeBodyWithOnlyToolCallsHasNullContentAndNoReasoning() throws Exception {
        ChatEvents e = codec.responseEncoder(false, new ResponseContext("m", "r9", 2L, false), out);
        e.start(null, null);
        e.toolCall(0, "call_1", "f");
        e.toolArguments(0, "{}");
        e.finish(FinishReason.TOOL_USE, null);
        e.end();
        JsonNode message = SDK.readTree(out.toString()).path("choices").path(0).path("message");
        assertThat(message.get("content").isNull()).isTrue();
        assertThat(message.has("reasoning_content")).isFalse();
        assertThat(SDK.readTree(out.toString()).path("id").asText()).isEqualTo("chatcmpl-r9");
        assertThat(SDK.readTree(out.toString()).has("usage")).isFalse();
    }

    @Test
    void wholeBodyDecodesBackToTheSameEvents() {
        toolAnswer(codec.responseEncoder(false, new ResponseContext("my-model", "req-1", 1L, false), out));
        RecordedEvents again = new RecordedEvents();
        ResponseDecoder d = codec.responseDecoder(false, again);
        byte[] bytes = out.toByteArray();
        for (byte b : bytes) {
            d.feed(ByteBuffer.wrap(new byte[] {b}));
        }
        d.end();
        assertThat(again.lines()).containsExactly(
                "start:msg_01:my-model",
                "thinking:The user wants weather.",
                "text:Let me check both.",
                "tool:0:toolu_01:get_weather",
                "args:0:{\"location\":\"Paris\"}",
                "tool:1:toolu_02:get_time",
                "args:1:{}",
                "usage:120/40/100/-1/12",
                "finish:TOOL_USE:null",
                "end");
    }

    @Test
    void finishReasonsMapToOpenAiWords() throws Exception {
        for (FinishReason r : FinishReason.values()) {
            out.reset();
            ChatEvents e = codec.responseEncoder(false, new ResponseContext("m", "r", 1L, false), out);
            e.start("id", null);
            e.text("x");
            e.finish(r, r == FinishReason.STOP_SEQUENCE ? "###" : null);
            e.end();
            String word = SDK.readTree(out.toString()).path("choices").path(0).path("finish_reason").asText();
            assertThat(word).as(r.name()).isEqualTo(switch (r) {
                case END_TURN, STOP_SEQUENCE -> "stop";
                case MAX_TOKENS, PAUSE -> "length";
                case TOOL_USE -> "tool_calls";
                case CONTENT_FILTER -> "content_filter";
            });
        }
    }

    /** The data of each event of an SSE text. */
    static List<String> dataOf(String sse) {
        List<String> data = new ArrayList<>();
        for (String event : sse.split("\n\n")) {
            if (!event.isBlank()) {
                assertThat(event).startsWith("data: ");
                data.add(event.substring(6));
            }
        }
        return data;
    }
}
