package dev.switchboard.providers.openai;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.providers.ResponseDecoder;
import dev.switchboard.providers.chat.RecordedEvents;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Streams in the documented chunk format (OpenAI's API reference and function-calling guide, vLLM's extras). */
class OpenAiChunkDecoderTest {
    private final OpenAiChatCodec codec = new OpenAiChatCodec();

    /** The API reference's streaming example ("Hello" … "?"), with its `data: ` framing and the final [DONE]. */
    static final String HELLO = """
            data: {"id":"chatcmpl-123","object":"chat.completion.chunk","created":1694268190,"model":"gpt-4o-mini", "system_fingerprint": "fp_44709d6fcb", "choices":[{"index":0,"delta":{"role":"assistant","content":""},"logprobs":null,"finish_reason":null}]}

            data: {"id":"chatcmpl-123","object":"chat.completion.chunk","created":1694268190,"model":"gpt-4o-mini", "system_fingerprint": "fp_44709d6fcb", "choices":[{"index":0,"delta":{"content":"Hello"},"logprobs":null,"finish_reason":null}]}

            data: {"id":"chatcmpl-123","object":"chat.completion.chunk","created":1694268190,"model":"gpt-4o-mini", "system_fingerprint": "fp_44709d6fcb", "choices":[{"index":0,"delta":{"content":" there"},"logprobs":null,"finish_reason":null}]}

            data: {"id":"chatcmpl-123","object":"chat.completion.chunk","created":1694268190,"model":"gpt-4o-mini", "system_fingerprint": "fp_44709d6fcb", "choices":[{"index":0,"delta":{},"logprobs":null,"finish_reason":"stop"}]}

            data: {"id":"chatcmpl-123","object":"chat.completion.chunk","created":1694268190,"model":"gpt-4o-mini", "system_fingerprint": "fp_44709d6fcb", "choices":[],"usage":{"prompt_tokens":9,"completion_tokens":3,"total_tokens":12,"prompt_tokens_details":{"cached_tokens":0,"audio_tokens":0},"completion_tokens_details":{"reasoning_tokens":0,"audio_tokens":0,"accepted_prediction_tokens":0,"rejected_prediction_tokens":0}}}

            data: [DONE]

            """;

    /** The function-calling guide's streamed tool call: id and name first, then argument pieces with null fields. */
    static final String TOOL_CALL = """
            data: {"id":"chatcmpl-9","object":"chat.completion.chunk","created":1,"model":"gpt-4.1","choices":[{"index":0,"delta":{"role":"assistant","content":null,"tool_calls":[{"index": 0, "id": "call_DdmO9pD3xa9XTPNJ32zg2hcA", "function": {"arguments": "", "name": "get_weather"}, "type": "function"}]},"finish_reason":null}]}

            data: {"id":"chatcmpl-9","object":"chat.completion.chunk","created":1,"model":"gpt-4.1","choices":[{"index":0,"delta":{"tool_calls":[{"index": 0, "id": null, "function": {"arguments": "{\\"", "name": null}, "type": null}]},"finish_reason":null}]}

            data: {"id":"chatcmpl-9","object":"chat.completion.chunk","created":1,"model":"gpt-4.1","choices":[{"index":0,"delta":{"tool_calls":[{"index": 0, "id": null, "function": {"arguments": "location", "name": null}, "type": null}]},"finish_reason":null}]}

            data: {"id":"chatcmpl-9","object":"chat.completion.chunk","created":1,"model":"gpt-4.1","choices":[{"index":0,"delta":{"tool_calls":[{"index": 0, "id": null, "function": {"arguments": "\\":\\"", "name": null}, "type": null}]},"finish_reason":null}]}

            data: {"id":"chatcmpl-9","object":"chat.completion.chunk","created":1,"model":"gpt-4.1","choices":[{"index":0,"delta":{"tool_calls":[{"index": 0, "id": null, "function": {"arguments": "Paris", "name": null}, "type": null}]},"finish_reason":null}]}

            data: {"id":"chatcmpl-9","object":"chat.completion.chunk","created":1,"model":"gpt-4.1","choices":[{"index":0,"delta":{"tool_calls":[{"index": 0, "id": null, "function": {"arguments": ",", "name": null}, "type": null}]},"finish_reason":null}]}

            data: {"id":"chatcmpl-9","object":"chat.completion.chunk","created":1,"model":"gpt-4.1","choices":[{"index":0,"delta":{"tool_calls":[{"index": 0, "id": null, "function": {"arguments": " France", "name": null}, "type": null}]},"finish_reason":null}]}

            data: {"id":"chatcmpl-9","object":"chat.completion.chunk","created":1,"model":"gpt-4.1","choices":[{"index":0,"delta":{"tool_calls":[{"index": 0, "id": null, "function": {"arguments": "\\"}", "name": null}, "type": null}]},"finish_reason":null}]}

            data: {"id":"chatcmpl-9","object":"chat.completion.chunk","created":1,"model":"gpt-4.1","choices":[{"index":0,"delta":{},"finish_reason":"tool_calls"}]}

            data: [DONE]

            """;

    @Test
    void documentedTextStreamBecomesTextUsageFinishEnd() {
        assertThat(decode(HELLO, Integer.MAX_VALUE).lines()).containsExactly(
                "start:chatcmpl-123:gpt-4o-mini",
                "text:Hello",
                "text: there",
                "usage:9/3/0/-1/0",
                "finish:END_TURN:null",
                "end");
    }

    @Test
    void oneByteChunksDecodeTheSame() {
        assertThat(decode(HELLO, 1).lines()).isEqualTo(decode(HELLO, Integer.MAX_VALUE).lines());
        assertThat(decode(TOOL_CALL, 1).lines()).isEqualTo(decode(TOOL_CALL, Integer.MAX_VALUE).lines());
    }

    @Test
    void toolCallDeltasStartOnceThenCarryArguments() {
        assertThat(decode(TOOL_CALL, 7).lines()).containsExactly(
                "start:chatcmpl-9:gpt-4.1",
                "tool:0:call_DdmO9pD3xa9XTPNJ32zg2hcA:get_weather",
                "args:0:{\"",
                "args:0:location",
                "args:0:\":\"",
                "args:0:Paris",
                "args:0:,",
                "args:0: France",
                "args:0:\"}",
                "finish:TOOL_USE:null",
                "end");
    }

    @Test
    void parallelCallsKeepTheirIndexAndArgumentsBeforeTheNameWait() {
        // vLLM may send a call whole in one delta, and a server may put arguments before the name
        String s = chunk("{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"{\\\"a\\\":1}\",\"name\":\"f\"},"
                + "\"id\":\"call_a\",\"type\":\"function\"},{\"index\":1,\"id\":\"call_b\",\"type\":\"function\","
                + "\"function\":{\"name\":\"g\",\"arguments\":\"{}\"}}]}", null)
                + chunk("{}", "tool_calls") + "data: [DONE]\n\n";
        assertThat(decode(s, 3).lines()).containsExactly(
                "start:chatcmpl-v:m",
                "tool:0:call_a:f",
                "args:0:{\"a\":1}",
                "tool:1:call_b:g",
                "args:1:{}",
                "finish:TOOL_USE:null",
                "end");
    }

    @Test
    void reasoningContentIsThinkingAndLengthIsMaxTokens() {
        String s = chunk("{\"role\":\"assistant\",\"reasoning_content\":\"Let me think\"}", null)
                + chunk("{\"reasoning\":\" hard.\"}", null)
                + chunk("{\"content\":\"42\"}", null)
                + chunk("{}", "length")
                + "data: {\"id\":\"chatcmpl-v\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\","
                + "\"choices\":[],\"usage\":{\"prompt_tokens\":20,\"completion_tokens\":8,\"total_tokens\":28,"
                + "\"prompt_tokens_details\":{\"cached_tokens\":16},\"completion_tokens_details\":{\"reasoning_tokens\":5}}}\n\n"
                + "data: [DONE]\n\n";
        assertThat(decode(s, 5).lines()).containsExactly(
                "start:chatcmpl-v:m",
                "thinking:Let me think",
                "thinking: hard.",
                "text:42",
                "usage:20/8/16/-1/5",
                "finish:MAX_TOKENS:null",
                "end");
    }

    @Test
    void contentFilterMapsAndAMissingDoneAfterAFinishStillEnds() {
        String s = chunk("{\"content\":\"I can\"}", null) + chunk("{}", "content_filter");
        assertThat(decode(s, 4).lines()).containsExactly(
                "start:chatcmpl-v:m", "text:I can", "finish:CONTENT_FILTER:null", "end");
    }

    @Test
    void aStreamCutBeforeItsFinishIsAnError() {
        String s = chunk("{\"role\":\"assistant\",\"content\":\"\"}", null) + chunk("{\"content\":\"Hel\"}", null)
                + "data: {\"id\":\"chatcmpl-v\",\"choi"; // cut mid-event
        assertThat(decode(s, 2).lines()).containsExactly(
                "start:chatcmpl-v:m",
                "text:Hel",
                "error:502:SERVER:the backend's stream was cut before it finished (no finish_reason, no [DONE])");
    }

    @Test
    void anErrorEventMidStreamIsAnErrorAndNothingFollows() {
        String s = chunk("{\"content\":\"Hi\"}", null)
                + "data: {\"error\":{\"message\":\"The server had an error while processing your request.\","
                + "\"type\":\"server_error\",\"param\":null,\"code\":null}}\n\n"
                + chunk("{\"content\":\"late\"}", null) + "data: [DONE]\n\n";
        assertThat(decode(s, 9).lines()).containsExactly(
                "start:chatcmpl-v:m",
                "text:Hi",
                "error:500:SERVER:The server had an error while processing your request.");
    }

    @Test
    void vllmErrorEventTakesItsStatusFromTheCode() {
        String s = "data: {\"object\":\"error\",\"error\":{\"message\":\"max_tokens is too large\","
                + "\"type\":\"BadRequestError\",\"param\":null,\"code\":400}}\n\n";
        assertThat(decode(s, 100).lines()).containsExactly(
                "start:null:null", "error:400:INVALID_REQUEST:max_tokens is too large");
    }

    @Test
    void azurePromptFilterChunkBeforeTheAnswerIsSkipped() {
        String s = "data: {\"choices\":[],\"created\":0,\"id\":\"\",\"model\":\"\",\"object\":\"\","
                + "\"prompt_filter_results\":[{\"prompt_index\":0,\"content_filter_results\":{}}]}\n\n"
                + chunk("{\"role\":\"assistant\",\"content\":\"ok\"}", null) + chunk("{}", "stop") + "data: [DONE]\n\n";
        assertThat(decode(s, 11).lines()).containsExactly(
                "start:chatcmpl-v:m", "text:ok", "finish:END_TURN:null", "end");
    }

    @Test
    void aMalformedChunkIsAnError() {
        String s = chunk("{\"content\":\"a\"}", null) + "data: {\"choices\":[{\"delta\":{\"content\":tru}}]}\n\n";
        List<String> lines = decode(s, 100).lines();
        assertThat(lines).hasSize(3);
        assertThat(lines.get(2)).startsWith("error:502:SERVER:the backend sent a malformed stream chunk");
    }

    @Test
    void aToolCallIndexOutOfRangeIsAnError() {
        String s = chunk("{\"tool_calls\":[{\"index\":-1,\"id\":\"c\",\"function\":{\"name\":\"f\"}}]}", null);
        assertThat(decode(s, 100).lines()).containsExactly("start:chatcmpl-v:m",
                "error:502:SERVER:the backend sent a malformed stream chunk: tool call index -1 is out of range");
    }

    /** A chunk of the stream as vLLM writes it, with {@code delta} and {@code finish_reason}. */
    static String chunk(String delta, String finish) {
        return "data: {\"id\":\"chatcmpl-v\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\","
                + "\"choices\":[{\"index\":0,\"delta\":" + delta + ",\"logprobs\":null,\"finish_reason\":"
                + (finish == null ? "null" : "\"" + finish + "\"") + "}]}\n\n";
    }

    RecordedEvents decode(String stream, int chunkSize) {
        RecordedEvents events = new RecordedEvents();
        ResponseDecoder d = codec.responseDecoder(true, events);
        byte[] bytes = stream.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < bytes.length; i += chunkSize) {
            d.feed(ByteBuffer.wrap(bytes, i, Math.min(chunkSize, bytes.length - i)));
        }
        d.end();
        return events;
    }
}
