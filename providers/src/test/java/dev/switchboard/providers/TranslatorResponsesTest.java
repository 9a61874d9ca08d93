package dev.switchboard.providers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.openai.core.ObjectMappers;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseStreamEvent;
import dev.switchboard.core.config.Backend;
import dev.switchboard.core.config.HeaderMutation;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A Responses API client's request planned for backends of each family, and the answer back in its format. */
class TranslatorResponsesTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ResponseContext CONTEXT = new ResponseContext("claude", "req-7", 1700000000L, false);

    private static final String REQUEST = """
            {
              "model": "claude",
              "instructions": "Be brief.",
              "input": [
                {"role": "user", "content": "What is the weather like in Paris today?"},
                {"type": "function_call", "call_id": "toolu_01", "name": "get_weather",
                 "arguments": "{\\"location\\":\\"Paris, France\\"}"},
                {"type": "function_call_output", "call_id": "toolu_01", "output": "14C"}
              ],
              "tools": [{"type": "function", "name": "get_weather", "description": "Get the weather.",
                         "parameters": {"type": "object", "properties": {"location": {"type": "string"}}}}],
              "max_output_tokens": 1024,
              "temperature": 0.5,
              "store": false
            }
            """;

    private static Backend backend(String schema) {
        return new Backend("b", schema, List.of(), HeaderMutation.NONE);
    }

    private static UpstreamCall plan(String schema, String body, boolean stream) throws TranslationException {
        return Translator.call(ClientApi.OPENAI_RESPONSES, backend(schema), () -> body.getBytes(StandardCharsets.UTF_8),
                null, "claude-sonnet-4-5", stream, null);
    }

    @Test
    void toAnthropicIsAMessagesBody() throws Exception {
        UpstreamCall call = plan("Anthropic", REQUEST, false);
        assertThat(call.path()).isEqualTo("/v1/messages");
        assertThat(call.headers()).containsEntry("anthropic-version", "2023-06-01");
        assertThat(JSON.readTree(call.body())).isEqualTo(JSON.readTree("""
                {
                  "model": "claude-sonnet-4-5",
                  "max_tokens": 1024,
                  "system": "Be brief.",
                  "messages": [
                    {"role": "user", "content": [{"type": "text", "text": "What is the weather like in Paris today?"}]},
                    {"role": "assistant", "content": [{"type": "tool_use", "id": "toolu_01", "name": "get_weather",
                      "input": {"location": "Paris, France"}}]},
                    {"role": "user", "content": [{"type": "tool_result", "tool_use_id": "toolu_01",
                      "content": "14C"}]}
                  ],
                  "tools": [{"name": "get_weather", "description": "Get the weather.",
                             "input_schema": {"type": "object", "properties": {"location": {"type": "string"}}}}],
                  "temperature": 0.5
                }
                """));
    }

    @Test
    void anthropicAnswerComesBackAsAResponse() throws Exception {
        UpstreamCall call = plan("Anthropic", REQUEST, false);
        ResponseTranslation t = call.responses().open(200, CONTEXT);
        assertThat(t.contentType()).isEqualTo("application/json");
        t.feed(ByteBuffer.wrap("""
                {"id": "msg_01", "type": "message", "role": "assistant", "model": "claude-sonnet-4-5",
                 "content": [{"type": "text", "text": "It is 14C in Paris."}], "stop_reason": "end_turn",
                 "stop_sequence": null, "usage": {"input_tokens": 30, "output_tokens": 9}}
                """.getBytes(StandardCharsets.UTF_8)));
        t.end();
        Response r = ObjectMappers.jsonMapper().readValue(t.out().toString(), Response.class).validate();
        assertThat(r.output()).singleElement().satisfies(i -> assertThat(i.asMessage().content().getFirst()
                .asOutputText().text()).isEqualTo("It is 14C in Paris."));
        assertThat(r.usage().orElseThrow().totalTokens()).isEqualTo(39);
    }

    @Test
    void anthropicStreamComesBackAsResponseEvents() throws Exception {
        UpstreamCall call = plan("Anthropic", REQUEST.replace("\"store\": false", "\"stream\": true"), true);
        assertThat(JSON.readTree(call.body()).get("stream").asBoolean()).isTrue();
        ResponseTranslation t = call.responses().open(200, CONTEXT);
        assertThat(t.streamed()).isTrue();
        t.feed(ByteBuffer.wrap("""
                event: message_start
                data: {"type":"message_start","message":{"id":"msg_01","type":"message","role":"assistant","content":[],"model":"claude-sonnet-4-5","stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":30,"output_tokens":1}}}

                event: content_block_start
                data: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}

                event: content_block_delta
                data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"14C."}}

                event: content_block_stop
                data: {"type":"content_block_stop","index":0}

                event: message_delta
                data: {"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"output_tokens":9}}

                event: message_stop
                data: {"type":"message_stop"}

                """.getBytes(StandardCharsets.UTF_8)));
        t.end();
        String[] blocks = t.out().toString().split("\n\n");
        assertThat(blocks[0]).startsWith("event: response.created\n");
        String last = blocks[blocks.length - 1];
        assertThat(last).startsWith("event: response.completed\n");
        Response r = ObjectMappers.jsonMapper().readValue(last.substring(last.indexOf("data: ") + 6),
                ResponseStreamEvent.class).validate().asCompleted().response();
        assertThat(r.output().getFirst().asMessage().content().getFirst().asOutputText().text()).isEqualTo("14C.");
        // the answer repeats the request's settings, as OpenAI's does
        assertThat(r.instructions().orElseThrow().asString()).isEqualTo("Be brief.");
        assertThat(r.temperature()).hasValue(0.5);
        assertThat(r.maxOutputTokens()).hasValue(1024L);
        assertThat(r.tools()).hasSize(1);
        assertThat(r.tools().getFirst().asFunction().name()).isEqualTo("get_weather");
    }

    @Test
    void toGeminiAndBedrockToo() throws Exception {
        assertThat(JSON.readTree(plan("GeminiAPI", REQUEST, false).body()).at("/systemInstruction/parts/0/text")
                .asText()).isEqualTo("Be brief.");
        assertThat(JSON.readTree(plan("AWSBedrock", REQUEST, false).body()).at("/inferenceConfig/maxTokens").asInt())
                .isEqualTo(1024);
    }

    @Test
    void toAnOpenAiBackendIsPassedThrough() throws Exception {
        UpstreamCall call = plan("OpenAI", REQUEST, false);
        assertThat(call.path()).isEqualTo("/v1/responses");
        assertThat(call.body()).isNull();
        assertThat(call.modelInBody()).isTrue();
    }

    @Test
    void previousResponseIdIsRefusedBeforeAnyUpstream() {
        TranslationException e = catchThrowableOfType(TranslationException.class, () -> plan("Anthropic",
                "{\"model\":\"claude\",\"previous_response_id\":\"resp_1\",\"input\":\"more\"}", false));
        assertThat(e.param()).isEqualTo("previous_response_id");
        assertThat(e.toError().status()).isEqualTo(400);
    }
}
