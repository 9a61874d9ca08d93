package dev.switchboard.providers.anthropic;

import static org.assertj.core.api.Assertions.assertThat;

import com.anthropic.core.ObjectMappers;
import com.anthropic.helpers.MessageAccumulator;
import com.anthropic.models.messages.ContentBlock;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.RawMessageStreamEvent;
import com.anthropic.models.messages.StopReason;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.providers.ResponseContext;
import dev.switchboard.providers.chat.ChatError;
import dev.switchboard.providers.chat.ChatEvents;
import dev.switchboard.providers.chat.FinishReason;
import dev.switchboard.providers.chat.RecordedEvents;
import dev.switchboard.providers.chat.Usage;
import dev.switchboard.providers.wire.ByteSink;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The client-side encoders, read back by the official Anthropic Java SDK's own model classes. */
class AnthropicResponseEncoderTest {
    private static final ObjectMapper SDK = ObjectMappers.jsonMapper();
    private final AnthropicCodec codec = new AnthropicCodec(AnthropicCodec.Flavor.NATIVE, null);
    private final ResponseContext ctx = new ResponseContext("claude-client-name", "req42", 0, false);

    /** What an OpenAI backend's stream gives: usage only at the end, two parallel tool calls, thinking. */
    private static void play(ChatEvents e) {
        e.start(null, "gpt-backend");
        e.thinking("Let me ");
        e.thinking("think.");
        e.thinkingSignature("sig-abc");
        e.text("Checking ");
        e.text("both.");
        e.toolCall(0, "call_1", "get_weather");
        e.toolArguments(0, "{\"city\":");
        e.toolArguments(0, "\"Paris\"}");
        e.toolCall(1, "call_2", "get_weather");
        e.toolArguments(1, "{\"city\":\"Rome\"}");
        e.usage(new Usage(120, 30, 100, -1, -1));
        e.finish(FinishReason.TOOL_USE, null);
        e.end();
    }

    @Test
    void wholeMessageParsesWithTheSdk() throws Exception {
        ByteSink out = new ByteSink();
        play(codec.responseEncoder(false, ctx, out));
        Message m = SDK.readValue(out.toByteArray(), Message.class);
        m.validate();
        assertThat(m.id()).isEqualTo("msg_req42");
        assertThat(m.model().asString()).isEqualTo("claude-client-name");
        List<ContentBlock> c = m.content();
        assertThat(c).hasSize(4);
        assertThat(c.get(0).asThinking().thinking()).isEqualTo("Let me think.");
        assertThat(c.get(0).asThinking().signature()).isEqualTo("sig-abc");
        assertThat(c.get(1).asText().text()).isEqualTo("Checking both.");
        assertThat(c.get(2).asToolUse().id()).isEqualTo("call_1");
        assertThat(c.get(2).asToolUse()._input().convert(Map.class)).isEqualTo(Map.of("city", "Paris"));
        assertThat(c.get(3).asToolUse()._input().convert(Map.class)).isEqualTo(Map.of("city", "Rome"));
        assertThat(m.stopReason()).contains(StopReason.TOOL_USE);
        assertThat(m.usage().inputTokens()).isEqualTo(20);
        assertThat(m.usage().cacheReadInputTokens()).contains(100L);
        assertThat(m.usage().outputTokens()).isEqualTo(30);
    }

    @Test
    void streamIsTheExactEventSequenceAndAccumulatesInTheSdk() throws Exception {
        ByteSink out = new ByteSink();
        play(codec.responseEncoder(true, ctx, out));
        String sse = out.toString();
        List<String> names = new ArrayList<>();
        MessageAccumulator acc = MessageAccumulator.create();
        for (String event : sse.split("\n\n")) {
            String[] lines = event.split("\n");
            assertThat(lines[0]).startsWith("event: ");
            assertThat(lines[1]).startsWith("data: ");
            names.add(lines[0].substring(7));
            RawMessageStreamEvent ev = SDK.readValue(lines[1].substring(6), RawMessageStreamEvent.class);
            if (!lines[0].endsWith("ping")) {
                acc.accumulate(ev);
            }
        }
        assertThat(names).containsExactly("message_start", "ping",
                "content_block_start", "content_block_delta", "content_block_delta", "content_block_delta",
                "content_block_stop",
                "content_block_start", "content_block_delta", "content_block_delta", "content_block_stop",
                "content_block_start", "content_block_delta", "content_block_delta", "content_block_stop",
                "content_block_start", "content_block_delta", "content_block_stop",
                "message_delta", "message_stop");
        Message m = acc.message();
        assertThat(m.id()).isEqualTo("msg_req42");
        assertThat(m.content().get(0).asThinking().signature()).isEqualTo("sig-abc");
        assertThat(m.content().get(1).asText().text()).isEqualTo("Checking both.");
        assertThat(m.content().get(3).asToolUse()._input().convert(Map.class)).isEqualTo(Map.of("city", "Rome"));
        assertThat(m.stopReason()).contains(StopReason.TOOL_USE);
        assertThat(m.usage().outputTokens()).isEqualTo(30);
    }

    @Test
    void streamRoundTripsThroughTheDecoder() {
        ByteSink out = new ByteSink();
        play(codec.responseEncoder(true, ctx, out));
        RecordedEvents back = new RecordedEvents();
        AnthropicStreamDecoderTest.decode(codec.responseDecoder(true, back), back, out.toString(), 1);
        assertThat(back.joined()).containsExactly("start:msg_req42:claude-client-name", "usage:0/0/-1/-1/-1",
                "thinking:Let me think.", "signature:sig-abc", "text:Checking both.",
                "tool:0:call_1:get_weather", "args:0:{\"city\":\"Paris\"}", "tool:1:call_2:get_weather",
                "args:1:{\"city\":\"Rome\"}", "usage:120/30/100/-1/-1", "finish:TOOL_USE:null", "end");
    }

    @Test
    void errorMidStreamIsAnErrorEvent() throws Exception {
        ByteSink out = new ByteSink();
        ChatEvents e = codec.responseEncoder(true, ctx, out);
        e.start("msg_1", "m");
        e.text("Hi");
        e.error(new ChatError(529, ChatError.Kind.OVERLOADED, "Overloaded", null));
        e.end();
        String sse = out.toString();
        assertThat(sse).endsWith("event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\","
                + "\"message\":\"Overloaded\"}}\n\n");
        assertThat(sse).doesNotContain("message_stop");
    }

    @Test
    void errorsBothWays() throws Exception {
        byte[] body = ("{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}")
                .getBytes(StandardCharsets.UTF_8);
        assertThat(codec.decodeError(529, body)).isEqualTo(new ChatError(529, ChatError.Kind.OVERLOADED, "Overloaded", null));
        assertThat(codec.decodeError(400, "{\"message\":\"Malformed input request\"}".getBytes(StandardCharsets.UTF_8)))
                .isEqualTo(new ChatError(400, ChatError.Kind.INVALID_REQUEST, "Malformed input request", null));
        ChatError html = new AnthropicCodec(AnthropicCodec.Flavor.VERTEX, null).decodeError(502,
                "<html>Bad Gateway</html>".getBytes(StandardCharsets.UTF_8));
        assertThat(html).isEqualTo(new ChatError(502, ChatError.Kind.SERVER,
                "Vertex AI (Claude) answered 502: <html>Bad Gateway</html>", null));
        assertThat(codec.decodeError(429, new byte[0]).kind()).isEqualTo(ChatError.Kind.RATE_LIMIT);
        com.anthropic.models.ErrorResponse parsed = SDK.readValue(
                codec.encodeError(new ChatError(404, ChatError.Kind.NOT_FOUND, "model: x", "model")),
                com.anthropic.models.ErrorResponse.class);
        assertThat(new ObjectMapper().readTree(codec.encodeError(new ChatError(404, ChatError.Kind.NOT_FOUND,
                "model: x", "model")))).isEqualTo(new ObjectMapper().readTree(
                "{\"type\":\"error\",\"error\":{\"type\":\"not_found_error\",\"message\":\"model: x\"}}"));
        assertThat(parsed.error().isNotFoundError()).isTrue();
    }

    @Test
    void wholeBackendMessageDecodes() {
        String doc = """
                {"content":[{"text":"Hi! My name is Claude.","type":"text"}],"id":"msg_013Zva2CMHLNnXjNJJKqJ2EF",
                 "model":"claude-opus-4-6","role":"assistant","stop_reason":"end_turn","stop_sequence":null,
                 "type":"message","usage":{"input_tokens":2095,"output_tokens":503}}
                """;
        RecordedEvents out = new RecordedEvents();
        AnthropicStreamDecoderTest.decode(codec.responseDecoder(false, out), out, doc, 5);
        assertThat(out.lines()).containsExactly("start:msg_013Zva2CMHLNnXjNJJKqJ2EF:claude-opus-4-6",
                "text:Hi! My name is Claude.", "usage:2095/503/-1/-1/-1", "finish:END_TURN:null", "end");
    }
}
