package dev.switchboard.providers.gemini;

import static dev.switchboard.providers.gemini.GeminiRequestTest.resource;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.providers.ResponseContext;
import dev.switchboard.providers.ResponseDecoder;
import dev.switchboard.providers.chat.ChatError;
import dev.switchboard.providers.chat.ChatEvents;
import dev.switchboard.providers.chat.FinishReason;
import dev.switchboard.providers.chat.RecordedEvents;
import dev.switchboard.providers.chat.Usage;
import dev.switchboard.providers.wire.ByteSink;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class GeminiResponseTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final GeminiCodec codec = new GeminiCodec();

    private RecordedEvents decode(boolean stream, byte[] body, int chunk) {
        RecordedEvents ev = new RecordedEvents();
        ResponseDecoder d = codec.responseDecoder(stream, ev);
        for (int i = 0; i < body.length; i += chunk) {
            d.feed(ByteBuffer.wrap(Arrays.copyOfRange(body, i, Math.min(body.length, i + chunk))));
        }
        d.end();
        return ev;
    }

    @Test
    void aRecordedTextStreamOneByteAtATime() throws Exception {
        RecordedEvents ev = decode(true, resource("stream-text.sse"), 1);
        assertThat(ev.lines()).containsExactly(
                "start:AdVRaMmDCYekqtsPrb_-iAw:models/gemini-2.5-flash-preview-05-20",
                "text:Here you go!\n\n1.  **English:** Hi\n",
                "text:**Italian:** Ciao",
                "usage:5/230/-1/-1/186",
                "finish:END_TURN:null",
                "end");
    }

    @Test
    void aFunctionCallWithItsSignature() throws Exception {
        RecordedEvents ev = decode(false, resource("function-call-response.json"), 7);
        assertThat(ev.lines()).hasSize(7);
        assertThat(ev.lines().get(0)).isEqualTo("start:x3vlaPz8Ap7hnvgP7LqH0A0:gemini-2.5-flash");
        assertThat(ev.lines().get(1)).isEqualTo("signature:CiQB0e2Kb3dQ5pYw");
        assertThat(ev.lines().get(2)).matches("tool:0:call_[a-z0-9]+_0:schedule_meeting");
        assertThat(JSON.readTree(ev.lines().get(3).substring("args:0:".length()))).isEqualTo(JSON.readTree(
                "{\"attendees\":[\"Bob\",\"Alice\"],\"date\":\"2025-03-27\",\"time\":\"10:00\",\"topic\":\"Q3 planning\"}"));
        assertThat(ev.lines().subList(4, 7)).containsExactly("usage:111/141/64/-1/100", "finish:TOOL_USE:null", "end");
    }

    @Test
    void thoughtsAndTheSignatureOnTheAnswer() throws Exception {
        assertThat(decode(false, resource("thinking-response.json"), 1 << 16).lines()).containsExactly(
                "start:r1:gemini-2.5-pro",
                "thinking:**Comparing the numbers**\n\n9.11 < 9.9.",
                "signature:EpcKCpQKAdHtim",
                "text:9.9 is larger.",
                "usage:12/228/-1/-1/222",
                "finish:END_TURN:null",
                "end");
    }

    @Test
    void aBlockedPromptIsAContentFilterFinish() throws Exception {
        assertThat(decode(false, resource("safety-block-response.json"), 1 << 16).lines()).containsExactly(
                "start:null:gemini-2.0-flash", "usage:8/-1/-1/-1/-1", "finish:CONTENT_FILTER:null", "end");
    }

    @Test
    void aStreamCutBeforeItsFinishReasonIsAnError() throws Exception {
        byte[] all = resource("stream-text.sse");
        String s = new String(all, StandardCharsets.UTF_8);
        byte[] cut = s.substring(0, s.indexOf("\r\n\r\n") + 4).getBytes(StandardCharsets.UTF_8);
        assertThat(decode(true, cut, 3).lines()).endsWith("usage:5/225/-1/-1/186",
                "error:502:SERVER:the Gemini backend's stream was cut before its last chunk (no finishReason)");
    }

    @Test
    void aMalformedFunctionCallIsAnError() {
        byte[] body = "{\"candidates\":[{\"finishReason\":\"MALFORMED_FUNCTION_CALL\",\"index\":0}]}"
                .getBytes(StandardCharsets.UTF_8);
        assertThat(decode(false, body, 100).lines().getLast()).startsWith("error:502:SERVER:the Gemini model could");
    }

    @Test
    void anErrorEventInTheStream() {
        byte[] body = "data: [{\"error\":{\"code\":429,\"message\":\"Quota exceeded\",\"status\":\"RESOURCE_EXHAUSTED\"}}]\r\n\r\n"
                .getBytes(StandardCharsets.UTF_8);
        assertThat(decode(true, body, 5).lines()).containsExactly("start:null:null",
                "error:502:RATE_LIMIT:Quota exceeded");
    }

    @Test
    void errorsBothWays() {
        byte[] google = """
                {"error":{"code":400,"message":"API key not valid. Please pass a valid API key.","status":"INVALID_ARGUMENT"}}"""
                .getBytes(StandardCharsets.UTF_8);
        assertThat(codec.decodeError(400, google)).isEqualTo(new ChatError(400, ChatError.Kind.INVALID_REQUEST,
                "API key not valid. Please pass a valid API key.", null));
        byte[] vertex = "[{\"error\":{\"code\":503,\"message\":\"The model is overloaded.\",\"status\":\"UNAVAILABLE\"}}]"
                .getBytes(StandardCharsets.UTF_8);
        assertThat(codec.decodeError(503, vertex).kind()).isEqualTo(ChatError.Kind.OVERLOADED);
        assertThat(codec.decodeError(502, "<html><body>Bad Gateway</body></html>".getBytes(StandardCharsets.UTF_8)))
                .isEqualTo(new ChatError(502, ChatError.Kind.SERVER,
                        "Gemini answered 502: <html><body>Bad Gateway</body></html>", null));
        assertThat(codec.decodeError(500, new byte[0]).message()).isEqualTo("Gemini answered 500: (empty body)");
        assertThat(new String(codec.encodeError(new ChatError(429, ChatError.Kind.RATE_LIMIT, "slow down", null)),
                StandardCharsets.UTF_8))
                .isEqualTo("{\"error\":{\"code\":429,\"message\":\"slow down\",\"status\":\"RESOURCE_EXHAUSTED\"}}");
    }

    /** Plays an answer from another family (thinking, signature, text, a call in pieces) into an encoder. */
    private static void play(ChatEvents e) {
        e.start("msg_1", "claude-sonnet-4-5");
        e.thinking("Let me ");
        e.thinking("check.");
        e.thinkingSignature("sig-9");
        e.text("Checking");
        e.text(" now.");
        e.toolCall(0, "toolu_1", "get_weather");
        e.toolArguments(0, "{\"ci");
        e.toolArguments(0, "ty\":\"Paris\"}");
        e.usage(new Usage(20, 30, 5, -1, 10));
        e.finish(FinishReason.TOOL_USE, null);
        e.end();
    }

    @Test
    void streamedForAGeminiClient() throws Exception {
        ByteSink out = new ByteSink();
        play(codec.responseEncoder(true, new ResponseContext("gemini-2.5-flash", "req-1", 0, false), out));
        String s = out.toString();
        assertThat(s.split("\r\n\r\n", -1)).hasSize(7).endsWith("");
        assertThat(s).doesNotContain("\n\n");
        String[] events = s.split("\r\n\r\n");
        assertThat(JSON.readTree(events[2].substring(6))).isEqualTo(JSON.readTree("""
                {"candidates":[{"content":{"parts":[{"text":"Checking","thoughtSignature":"sig-9"}],"role":"model"},
                 "index":0}],"modelVersion":"gemini-2.5-flash","responseId":"msg_1"}"""));
        assertThat(JSON.readTree(events[4].substring(6)).at("/candidates/0/content/parts/0")).isEqualTo(
                JSON.readTree("{\"functionCall\":{\"id\":\"toolu_1\",\"name\":\"get_weather\",\"args\":{\"city\":\"Paris\"}}}"));
        assertThat(JSON.readTree(events[5].substring(6))).isEqualTo(JSON.readTree("""
                {"candidates":[{"content":{"parts":[{"text":""}],"role":"model"},"finishReason":"STOP","index":0}],
                 "usageMetadata":{"promptTokenCount":20,"candidatesTokenCount":20,"totalTokenCount":50,
                   "cachedContentTokenCount":5,"thoughtsTokenCount":10},
                 "modelVersion":"gemini-2.5-flash","responseId":"msg_1"}"""));

        RecordedEvents again = decode(true, out.toByteArray(), 1);
        assertThat(again.joined()).containsExactly("start:msg_1:gemini-2.5-flash", "thinking:Let me check.",
                "signature:sig-9", "text:Checking now.", "tool:0:toolu_1:get_weather", "args:0:{\"city\":\"Paris\"}",
                "usage:20/30/5/-1/10", "finish:TOOL_USE:null", "end");
    }

    @Test
    void wholeForAGeminiClient() throws Exception {
        ByteSink out = new ByteSink();
        play(codec.responseEncoder(false, new ResponseContext("gemini-2.5-flash", "req-1", 0, false), out));
        assertThat(JSON.readTree(out.toByteArray())).isEqualTo(JSON.readTree("""
                {"candidates":[{"content":{"parts":[
                   {"text":"Let me check.","thought":true},
                   {"text":"Checking now.","thoughtSignature":"sig-9"},
                   {"functionCall":{"id":"toolu_1","name":"get_weather","args":{"city":"Paris"}}}],"role":"model"},
                  "finishReason":"STOP","index":0}],
                 "usageMetadata":{"promptTokenCount":20,"candidatesTokenCount":20,"totalTokenCount":50,
                   "cachedContentTokenCount":5,"thoughtsTokenCount":10},
                 "modelVersion":"gemini-2.5-flash","responseId":"msg_1"}"""));
    }

    @Test
    void anErrorMidStreamIsALastErrorEvent() {
        ByteSink out = new ByteSink();
        ChatEvents e = codec.responseEncoder(true, new ResponseContext("gemini-2.5-flash", "req-1", 0, false), out);
        e.start(null, null);
        e.text("Hel");
        e.error(new ChatError(502, ChatError.Kind.SERVER, "the backend's stream was cut", null));
        String s = out.toString();
        assertThat(s).endsWith("data: {\"error\":{\"code\":502,\"message\":\"the backend's stream was cut\","
                + "\"status\":\"INTERNAL\"}}\r\n\r\n");
        assertThat(s).contains("\"responseId\":\"req-1\"");
    }
}
