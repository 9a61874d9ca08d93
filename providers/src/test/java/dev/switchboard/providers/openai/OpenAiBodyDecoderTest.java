package dev.switchboard.providers.openai;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.providers.ResponseDecoder;
import dev.switchboard.providers.chat.RecordedEvents;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Whole {@code chat.completion} bodies: the API reference's examples, and vLLM's reasoning field. */
class OpenAiBodyDecoderTest {
    private final OpenAiChatCodec codec = new OpenAiChatCodec();

    /** The API reference's default example response. */
    static final String HELLO = """
            {
              "id": "chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT",
              "object": "chat.completion",
              "created": 1741569952,
              "model": "gpt-4.1-2025-04-14",
              "choices": [
                {
                  "index": 0,
                  "message": {
                    "role": "assistant",
                    "content": "Hello! How can I assist you today?",
                    "refusal": null,
                    "annotations": []
                  },
                  "logprobs": null,
                  "finish_reason": "stop"
                }
              ],
              "usage": {
                "prompt_tokens": 19,
                "completion_tokens": 10,
                "total_tokens": 29,
                "prompt_tokens_details": {
                  "cached_tokens": 0,
                  "audio_tokens": 0
                },
                "completion_tokens_details": {
                  "reasoning_tokens": 0,
                  "audio_tokens": 0,
                  "accepted_prediction_tokens": 0,
                  "rejected_prediction_tokens": 0
                }
              },
              "service_tier": "default"
            }
            """;

    /** The API reference's function-calling example response. */
    static final String TOOL_CALL = """
            {
              "id": "chatcmpl-abc123",
              "object": "chat.completion",
              "created": 1699896916,
              "model": "gpt-4o-mini",
              "choices": [
                {
                  "index": 0,
                  "message": {
                    "role": "assistant",
                    "content": null,
                    "tool_calls": [
                      {
                        "id": "call_abc123",
                        "type": "function",
                        "function": {
                          "name": "get_current_weather",
                          "arguments": "{\\n\\"location\\": \\"Boston, MA\\"\\n}"
                        }
                      }
                    ]
                  },
                  "logprobs": null,
                  "finish_reason": "tool_calls"
                }
              ],
              "usage": {
                "prompt_tokens": 82,
                "completion_tokens": 17,
                "total_tokens": 99,
                "completion_tokens_details": {
                  "reasoning_tokens": 0,
                  "accepted_prediction_tokens": 0,
                  "rejected_prediction_tokens": 0
                }
              }
            }
            """;

    @Test
    void documentedAnswer() {
        assertThat(decode(HELLO).lines()).containsExactly(
                "start:chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT:gpt-4.1-2025-04-14",
                "text:Hello! How can I assist you today?",
                "usage:19/10/0/-1/0",
                "finish:END_TURN:null",
                "end");
    }

    @Test
    void documentedToolCall() {
        assertThat(decode(TOOL_CALL).lines()).containsExactly(
                "start:chatcmpl-abc123:gpt-4o-mini",
                "tool:0:call_abc123:get_current_weather",
                "args:0:{\n\"location\": \"Boston, MA\"\n}",
                "usage:82/17/-1/-1/0",
                "finish:TOOL_USE:null",
                "end");
    }

    @Test
    void vllmReasoningContentComesFirstAsThinking() {
        String body = """
                {"id":"chatcmpl-7","object":"chat.completion","created":1,"model":"deepseek-r1",
                 "choices":[{"index":0,"message":{"role":"assistant","reasoning_content":"9.11 < 9.8","content":"9.8"},
                 "finish_reason":"length"}],"usage":{"prompt_tokens":12,"completion_tokens":30,"total_tokens":42}}
                """;
        assertThat(decode(body).lines()).containsExactly(
                "start:chatcmpl-7:deepseek-r1",
                "thinking:9.11 < 9.8",
                "text:9.8",
                "usage:12/30/-1/-1/-1",
                "finish:MAX_TOKENS:null",
                "end");
    }

    @Test
    void aBodyThatIsNotACompletionIsAnError() {
        assertThat(decode("<html>502 Bad Gateway</html>").lines()).containsExactly(
                "start:null:null", "error:502:SERVER:the backend's answer is not a JSON object");
        assertThat(decode("{\"id\":\"x\",\"choices\":[]}").lines()).containsExactly(
                "start:x:null", "error:502:SERVER:the backend's answer has no choices");
        assertThat(decode("").lines()).containsExactly(
                "start:null:null", "error:502:SERVER:the backend's answer is not a JSON object");
    }

    RecordedEvents decode(String body) {
        RecordedEvents events = new RecordedEvents();
        ResponseDecoder d = codec.responseDecoder(false, events);
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        int half = bytes.length / 2;
        d.feed(ByteBuffer.wrap(bytes, 0, half));
        d.feed(ByteBuffer.wrap(bytes, half, bytes.length - half));
        d.end();
        return events;
    }
}
