package dev.switchboard.providers.bedrock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.providers.ResponseContext;
import dev.switchboard.providers.ResponseDecoder;
import dev.switchboard.providers.TranslationException;
import dev.switchboard.providers.chat.ChatError;
import dev.switchboard.providers.chat.ChatEvents;
import dev.switchboard.providers.chat.ChatRequest;
import dev.switchboard.providers.chat.FinishReason;
import dev.switchboard.providers.chat.Message;
import dev.switchboard.providers.chat.Part;
import dev.switchboard.providers.chat.RecordedEvents;
import dev.switchboard.providers.chat.ResponseFormat;
import dev.switchboard.providers.chat.Tool;
import dev.switchboard.providers.chat.ToolChoice;
import dev.switchboard.providers.chat.Usage;
import dev.switchboard.providers.eventstream.EventStreamEncoder;
import dev.switchboard.providers.wire.ByteSink;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class BedrockConverseCodecTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final BedrockConverseCodec codec = new BedrockConverseCodec();

    private static ChatRequest request(List<Part> system, List<Message> messages, List<Tool> tools, ToolChoice choice,
            Integer topK, ChatRequest.Thinking thinking, ResponseFormat format, ObjectNode extensions) {
        return new ChatRequest("anthropic.claude-3-5-sonnet-20240620-v1:0", system, messages, tools, choice, null,
                1024, 0.5, 0.9, topK, List.of("\n\nHuman:"), format, thinking, false, false, "user-1", extensions);
    }

    private static final Tool WEATHER = new Tool("get_weather", "Current weather for a city",
            json("{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}},\"required\":[\"city\"]}"),
            null);

    @Test
    void encodesAMultiTurnToolConversationAsConverseDocumentsIt() throws Exception {
        List<Message> messages = List.of(
                new Message(Message.Role.USER, List.of(new Part.Text("What is the weather in Paris?"),
                        new Part.Image(null, "image/png", "iVBORw0KGgo="))),
                new Message(Message.Role.ASSISTANT, List.of(new Part.Thinking("Need the tool.", "sig-1"),
                        new Part.ToolCall("tooluse_1", "get_weather", "{\"city\":\"Paris\"}"))),
                new Message(Message.Role.USER, List.of(new Part.ToolResult("tooluse_1", null,
                        List.of(new Part.Text("18 C, sunny")), false))),
                Message.user("And in Lyon?")); // a second user turn in a row: merged
        byte[] body = codec.encodeRequest(request(List.of(new Part.Text("You are terse.", "ephemeral")), messages,
                List.of(WEATHER), ToolChoice.AUTO, 40, new ChatRequest.Thinking(2048, null), null, null));
        assertThat(JSON.readTree(body)).isEqualTo(json("""
                {"messages":[
                  {"role":"user","content":[{"text":"What is the weather in Paris?"},
                     {"image":{"format":"png","source":{"bytes":"iVBORw0KGgo="}}}]},
                  {"role":"assistant","content":[
                     {"reasoningContent":{"reasoningText":{"text":"Need the tool.","signature":"sig-1"}}},
                     {"toolUse":{"toolUseId":"tooluse_1","name":"get_weather","input":{"city":"Paris"}}}]},
                  {"role":"user","content":[
                     {"toolResult":{"toolUseId":"tooluse_1","content":[{"text":"18 C, sunny"}],"status":"success"}},
                     {"text":"And in Lyon?"}]}],
                 "system":[{"text":"You are terse."},{"cachePoint":{"type":"default"}}],
                 "inferenceConfig":{"maxTokens":1024,"temperature":0.5,"topP":0.9,"stopSequences":["\\n\\nHuman:"]},
                 "toolConfig":{"tools":[{"toolSpec":{"name":"get_weather","description":"Current weather for a city",
                    "inputSchema":{"json":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}}}}],
                    "toolChoice":{"auto":{}}},
                 "additionalModelRequestFields":{"top_k":40,"thinking":{"type":"enabled","budget_tokens":2048}}}
                """));
    }

    @Test
    void responseFormatBecomesOutputConfigAndExtensionsPassThroughTheAllowList() throws Exception {
        ObjectNode ext = (ObjectNode) json("{\"guardrailConfig\":{\"guardrailIdentifier\":\"g1\",\"guardrailVersion\":"
                + "\"1\"},\"additionalModelRequestFields\":{\"anthropic_beta\":[\"x\"]}}");
        ResponseFormat format = new ResponseFormat(ResponseFormat.Type.JSON_SCHEMA, "city",
                json("{\"type\":\"object\"}"), true);
        byte[] body = codec.encodeRequest(request(List.of(), List.of(Message.user("hi")), List.of(),
                ToolChoice.tool("x"), null, null, format, ext));
        assertThat(JSON.readTree(body).get("outputConfig")).isEqualTo(json(
                "{\"textFormat\":{\"type\":\"json_schema\",\"structure\":{\"jsonSchema\":{\"schema\":"
                        + "\"{\\\"type\\\":\\\"object\\\"}\",\"name\":\"city\"}}}}"));
        assertThat(JSON.readTree(body).get("guardrailConfig").get("guardrailIdentifier").asText()).isEqualTo("g1");
        assertThat(JSON.readTree(body).get("additionalModelRequestFields")).isEqualTo(json(
                "{\"anthropic_beta\":[\"x\"]}"));
        assertThat(JSON.readTree(body).has("toolConfig")).isFalse(); // a tool choice without tools
    }

    @Test
    void whatConverseCannotTakeIsATranslationExceptionNamingTheField() {
        assertThatThrownBy(() -> codec.encodeRequest(request(List.of(), List.of(new Message(Message.Role.USER,
                List.of(Part.Image.fromUrl("https://example.com/cat.png")))), List.of(), null, null, null, null, null)))
                .isInstanceOf(TranslationException.class).hasMessageContaining("not by URL")
                .extracting(e -> ((TranslationException) e).param()).isEqualTo("messages[0].content[0]");
        assertThatThrownBy(() -> codec.encodeRequest(request(List.of(), List.of(Message.user("hi")), List.of(), null,
                null, null, null, (ObjectNode) json("{\"logit_bias\":{}}"))))
                .isInstanceOf(TranslationException.class).hasMessageContaining("'logit_bias'");
        assertThatThrownBy(() -> codec.encodeRequest(request(List.of(), List.of(Message.user("hi")), List.of(), null,
                null, new ChatRequest.Thinking(null, "high"), null, null)))
                .isInstanceOf(TranslationException.class).hasMessageContaining("budget");
        List<Message> withCalls = List.of(Message.user("hi"), new Message(Message.Role.ASSISTANT,
                List.of(new Part.ToolCall("t1", "get_weather", "{}"))));
        assertThatThrownBy(() -> codec.encodeRequest(request(List.of(), withCalls, List.of(WEATHER), ToolChoice.NONE,
                null, null, null, null))).isInstanceOf(TranslationException.class).hasMessageContaining("'none'");
    }

    @Test
    void toolChoiceNoneWithoutToolHistoryLeavesTheToolsOut() throws Exception {
        byte[] body = codec.encodeRequest(request(List.of(), List.of(Message.user("hi")), List.of(WEATHER),
                ToolChoice.NONE, null, null, null, null));
        assertThat(JSON.readTree(body).has("toolConfig")).isFalse();
    }

    @Test
    void decodesAWholeConverseAnswer() {
        String body = """
                {"output":{"message":{"role":"assistant","content":[
                   {"reasoningContent":{"reasoningText":{"text":"The user wants weather.","signature":"EqoB"}}},
                   {"text":"Let me check."},
                   {"toolUse":{"toolUseId":"tooluse_kZJMlvQmRJ6eAyJE5GIl7Q","name":"get_weather","input":{"city":"Paris"}}}]}},
                 "stopReason":"tool_use",
                 "usage":{"inputTokens":30,"outputTokens":48,"totalTokens":98,"cacheReadInputTokens":20,"cacheWriteInputTokens":0},
                 "metrics":{"latencyMs":1021}}
                """;
        RecordedEvents e = new RecordedEvents();
        feed(codec.responseDecoder(false, e), body.getBytes(StandardCharsets.UTF_8), 7);
        assertThat(e.lines()).containsExactly("start:null:null", "thinking:The user wants weather.",
                "signature:EqoB", "text:Let me check.", "tool:0:tooluse_kZJMlvQmRJ6eAyJE5GIl7Q:get_weather",
                "args:0:{\"city\":\"Paris\"}", "usage:50/48/20/0/-1", "finish:TOOL_USE:null", "end");
    }

    @Test
    void aWholeAnswerThatIsNotConverseIsAnError() {
        RecordedEvents e = new RecordedEvents();
        feed(codec.responseDecoder(false, e), "<html>oops</html>".getBytes(StandardCharsets.UTF_8), 100);
        assertThat(e.lines()).hasSize(1).first().asString().startsWith("error:502:SERVER:");
    }

    /** A ConverseStream answer as Bedrock frames it (payloads as documented, with Bedrock's "p" padding). */
    static byte[] stream(boolean metadata, int cutAfter) {
        String[][] events = {
                {"messageStart", "{\"p\":\"abcdefgh\",\"role\":\"assistant\"}"},
                {"contentBlockDelta", "{\"contentBlockIndex\":0,\"delta\":{\"reasoningContent\":{\"text\":\"Think\"}},\"p\":\"ab\"}"},
                {"contentBlockDelta", "{\"contentBlockIndex\":0,\"delta\":{\"reasoningContent\":{\"signature\":\"sig\"}},\"p\":\"ab\"}"},
                {"contentBlockStop", "{\"contentBlockIndex\":0,\"p\":\"abcd\"}"},
                {"contentBlockDelta", "{\"contentBlockIndex\":1,\"delta\":{\"text\":\"Hello\"},\"p\":\"abcd\"}"},
                {"contentBlockDelta", "{\"contentBlockIndex\":1,\"delta\":{\"text\":\", w\\u00f6rld\"},\"p\":\"a\"}"},
                {"contentBlockStop", "{\"contentBlockIndex\":1,\"p\":\"abcd\"}"},
                {"contentBlockStart", "{\"contentBlockIndex\":2,\"start\":{\"toolUse\":{\"toolUseId\":\"tooluse_1\",\"name\":\"get_weather\"}},\"p\":\"ab\"}"},
                {"contentBlockDelta", "{\"contentBlockIndex\":2,\"delta\":{\"toolUse\":{\"input\":\"{\\\"city\\\":\"}},\"p\":\"a\"}"},
                {"contentBlockDelta", "{\"contentBlockIndex\":2,\"delta\":{\"toolUse\":{\"input\":\"\\\"Paris\\\"}\"}},\"p\":\"a\"}"},
                {"contentBlockStop", "{\"contentBlockIndex\":2,\"p\":\"abcd\"}"},
                {"messageStop", "{\"p\":\"abcdef\",\"stopReason\":\"tool_use\"}"},
                {"metadata", "{\"metrics\":{\"latencyMs\":512},\"p\":\"abc\",\"usage\":{\"inputTokens\":12,"
                        + "\"outputTokens\":30,\"totalTokens\":42}}"}};
        ByteSink out = new ByteSink();
        EventStreamEncoder enc = new EventStreamEncoder();
        int n = Math.min(cutAfter, metadata ? events.length : events.length - 1);
        for (int i = 0; i < n; i++) {
            byte[] p = events[i][1].getBytes(StandardCharsets.UTF_8);
            enc.event(out, events[i][0], p, 0, p.length);
        }
        return out.toByteArray();
    }

    private static final List<String> STREAM_EVENTS = List.of("start:null:null", "thinking:Think", "signature:sig",
            "text:Hello", "text:, wörld", "tool:0:tooluse_1:get_weather", "args:0:{\"city\":", "args:0:\"Paris\"}",
            "finish:TOOL_USE:null", "usage:12/30/-1/-1/-1", "end");

    @Test
    void decodesAConverseStreamFrameByFrameWhateverTheChunking() {
        byte[] body = stream(true, 99);
        for (int chunk : new int[] {1, 3, 17, body.length}) {
            RecordedEvents e = new RecordedEvents();
            feed(codec.responseDecoder(true, e), body, chunk);
            assertThat(e.lines()).as("chunk %d", chunk).isEqualTo(STREAM_EVENTS);
        }
    }

    @Test
    void aStreamEndingAfterMessageStopWithoutMetadataEndsWithoutUsage() {
        RecordedEvents e = new RecordedEvents();
        feed(codec.responseDecoder(true, e), stream(false, 99), 5);
        assertThat(e.lines()).endsWith("finish:TOOL_USE:null", "end").noneMatch(l -> l.startsWith("usage"));
    }

    @Test
    void aStreamCutBeforeMessageStopIsAnError() {
        byte[] body = stream(true, 6);
        RecordedEvents e = new RecordedEvents();
        ResponseDecoder d = codec.responseDecoder(true, e);
        d.feed(ByteBuffer.wrap(body, 0, body.length - 3)); // and mid-frame
        d.end();
        assertThat(e.lines()).startsWith("start:null:null").last().asString()
                .isEqualTo("error:502:SERVER:Bedrock's stream was cut before its messageStop event");
    }

    @Test
    void exceptionFramesBecomeErrorsWithTheirStatus() {
        for (String[] c : new String[][] {{"throttlingException", "429:RATE_LIMIT"},
                {"validationException", "400:INVALID_REQUEST"}, {"serviceUnavailableException", "503:OVERLOADED"},
                {"internalServerException", "500:SERVER"}, {"modelStreamErrorException", "502:SERVER"}}) {
            ByteSink out = new ByteSink();
            out.write(stream(true, 2));
            byte[] p = "{\"message\":\"Too many tokens, please wait.\"}".getBytes(StandardCharsets.UTF_8);
            new EventStreamEncoder().exception(out, c[0], p, 0, p.length);
            RecordedEvents e = new RecordedEvents();
            feed(codec.responseDecoder(true, e), out.toByteArray(), 4);
            assertThat(e.lines()).last().asString()
                    .isEqualTo("error:" + c[1] + ":Bedrock " + c[0] + ": Too many tokens, please wait.");
        }
    }

    @Test
    void aBadChecksumIsAnErrorAndTheRestIsIgnored() {
        byte[] body = stream(true, 99);
        body[40] ^= 0x20;
        RecordedEvents e = new RecordedEvents();
        feed(codec.responseDecoder(true, e), body, 9);
        assertThat(e.lines()).hasSize(1).first().asString()
                .startsWith("error:502:SERVER:Bedrock's stream is not a valid event stream: event-stream frame checksum");
    }

    @Test
    void theStreamEncoderWritesWhatTheDecoderReadsBack() {
        ByteSink out = new ByteSink();
        ChatEvents enc = codec.responseEncoder(true, new ResponseContext("m", "r", 0, true), out);
        replay(enc);
        RecordedEvents e = new RecordedEvents();
        feed(codec.responseDecoder(true, e), out.toByteArray(), 2);
        assertThat(e.lines()).containsExactly("start:null:null", "thinking:Think", "signature:sig", "text:Hello",
                "redacted:ZW5j", "tool:0:tooluse_1:get_weather", "args:0:{\"city\":", "args:0:\"Paris\"}",
                "finish:TOOL_USE:null", "usage:42/30/40/0/-1", "end");
        assertThat(codec.contentType(true)).isEqualTo("application/vnd.amazon.eventstream");
    }

    @Test
    void theWholeEncoderWritesAConverseAnswerTheDecoderReadsBack() throws Exception {
        ByteSink out = new ByteSink();
        replay(codec.responseEncoder(false, new ResponseContext("m", "r", 0, false), out));
        assertThat(JSON.readTree(out.toByteArray()).get("usage")).isEqualTo(json(
                "{\"inputTokens\":2,\"outputTokens\":30,\"totalTokens\":72,\"cacheReadInputTokens\":40,"
                        + "\"cacheWriteInputTokens\":0}"));
        RecordedEvents e = new RecordedEvents();
        feed(codec.responseDecoder(false, e), out.toByteArray(), 1000);
        assertThat(e.lines()).containsExactly("start:null:null", "thinking:Think", "signature:sig", "text:Hello",
                "redacted:ZW5j", "tool:0:tooluse_1:get_weather", "args:0:{\"city\":\"Paris\"}",
                "usage:42/30/40/0/-1", "finish:TOOL_USE:null", "end");
    }

    private static void replay(ChatEvents enc) {
        enc.start(null, "m");
        enc.thinking("Think");
        enc.thinkingSignature("sig");
        enc.text("Hello");
        enc.redactedThinking("ZW5j");
        enc.toolCall(0, "tooluse_1", "get_weather");
        enc.toolArguments(0, "{\"city\":");
        enc.toolArguments(0, "\"Paris\"}");
        enc.usage(new Usage(42, 30, 40, -1, -1));
        enc.finish(FinishReason.TOOL_USE, null);
        enc.end();
    }

    @Test
    void decodeRequestReadsBackWhatEncodeRequestWrote() throws Exception {
        ChatRequest r = request(List.of(new Part.Text("sys", "ephemeral")), List.of(Message.user("hi"),
                new Message(Message.Role.ASSISTANT, List.of(new Part.Thinking("t", "s"),
                        new Part.ToolCall("id1", "get_weather", "{\"city\":\"Paris\"}"))),
                new Message(Message.Role.USER, List.of(new Part.ToolResult("id1", null,
                        List.of(new Part.Text("sunny")), true)))), List.of(WEATHER), ToolChoice.REQUIRED, 5,
                new ChatRequest.Thinking(1024, null), null, null);
        ChatRequest back = codec.decodeRequest(codec.encodeRequest(r), r.model());
        assertThat(back.withModel(r.model())).usingRecursiveComparison()
                .ignoringFields("user", "tools.strict").isEqualTo(r);
    }

    @Test
    void decodesErrorsOfAnyShape() {
        assertThat(codec.decodeError(400, "{\"message\":\"Malformed input request\"}".getBytes(StandardCharsets.UTF_8)))
                .isEqualTo(new ChatError(400, ChatError.Kind.INVALID_REQUEST, "Malformed input request", null));
        assertThat(codec.decodeError(502, "<html><body>Bad Gateway</body></html>".getBytes(StandardCharsets.UTF_8))
                .message()).isEqualTo("Bedrock answered 502: <html><body>Bad Gateway</body></html>");
        assertThat(codec.decodeError(429, new byte[0])).isEqualTo(new ChatError(429, ChatError.Kind.RATE_LIMIT,
                "Bedrock answered 429: (empty body)", null));
        assertThat(new String(codec.encodeError(ChatError.invalid("bad", null)), StandardCharsets.UTF_8))
                .isEqualTo("{\"message\":\"bad\"}");
        assertThat(BedrockConverseCodec.errorType(new ChatError(429, ChatError.Kind.RATE_LIMIT, "x", null)))
                .isEqualTo("ThrottlingException");
    }

    private static void feed(ResponseDecoder d, byte[] body, int chunk) {
        for (int i = 0; i < body.length; i += chunk) {
            d.feed(ByteBuffer.wrap(body, i, Math.min(chunk, body.length - i)));
        }
        d.end();
    }

    private static JsonNode json(String s) {
        try {
            return JSON.readTree(s);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }
}
