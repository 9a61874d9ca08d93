package dev.switchboard.providers.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.providers.TranslationException;
import dev.switchboard.providers.chat.ChatRequest;
import dev.switchboard.providers.chat.Message;
import dev.switchboard.providers.chat.Part;
import dev.switchboard.providers.chat.ResponseFormat;
import dev.switchboard.providers.chat.Tool;
import dev.switchboard.providers.chat.ToolChoice;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Client requests: the API reference's and guides' examples, and every refusal. */
class OpenAiRequestReaderTest {
    private final OpenAiChatCodec codec = new OpenAiChatCodec();
    private final ObjectMapper json = new ObjectMapper();

    /** The API reference's default example. */
    static final String DEFAULT = """
            {
              "model": "gpt-4.1",
              "messages": [
                {"role": "developer", "content": "You are a helpful assistant."},
                {"role": "user", "content": "Hello!"}
              ]
            }
            """;

    /** The API reference's function-calling example. */
    static final String FUNCTIONS = """
            {
              "model": "gpt-4.1",
              "messages": [{"role": "user", "content": "What is the weather like in Boston today?"}],
              "tools": [
                {
                  "type": "function",
                  "function": {
                    "name": "get_current_weather",
                    "description": "Get the current weather in a given location",
                    "parameters": {
                      "type": "object",
                      "properties": {
                        "location": {"type": "string", "description": "The city and state, e.g. San Francisco, CA"},
                        "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]}
                      },
                      "required": ["location"]
                    }
                  }
                }
              ],
              "tool_choice": "auto"
            }
            """;

    /** The API reference's vision example, plus the vision guide's base64 form. */
    static final String VISION = """
            {
              "model": "gpt-4.1",
              "messages": [
                {
                  "role": "user",
                  "content": [
                    {"type": "text", "text": "What is in this image?"},
                    {"type": "image_url", "image_url": {"url": "https://upload.wikimedia.org/wikipedia/commons/thumb/d/dd/Gfp-wisconsin-madison-the-nature-boardwalk.jpg/2560px-Gfp-wisconsin-madison-the-nature-boardwalk.jpg"}},
                    {"type": "image_url", "image_url": {"url": "data:image/jpeg;base64,/9j/4AAQSkZJRg==", "detail": "high"}}
                  ]
                }
              ],
              "max_tokens": 300
            }
            """;

    /** The function-calling guide's round trip: the call, its result, and a follow-up question. */
    static final String TOOL_CONVERSATION = """
            {
              "model": "gpt-4.1",
              "messages": [
                {"role": "user", "content": "What's the weather like in Paris and Bogotá today?"},
                {"role": "assistant", "content": null, "tool_calls": [
                  {"id": "call_12345xyz", "type": "function",
                   "function": {"name": "get_weather", "arguments": "{\\"location\\":\\"Paris, France\\"}"}},
                  {"id": "call_67890abc", "type": "function",
                   "function": {"name": "get_weather", "arguments": "{\\"location\\":\\"Bogotá, Colombia\\"}"}}
                ]},
                {"role": "tool", "tool_call_id": "call_12345xyz", "content": "14°C"},
                {"role": "tool", "tool_call_id": "call_67890abc", "content": [{"type": "text", "text": "18°C"}]},
                {"role": "user", "content": "Which is warmer?"},
                {"role": "assistant", "reasoning_content": "18 > 14", "content": "Bogotá."},
                {"role": "system", "content": "Answer in one word."},
                {"role": "user", "content": "And tomorrow?"}
              ],
              "tools": [{"type": "function", "function": {"name": "get_weather", "strict": true,
                "parameters": {"type": "object", "properties": {"location": {"type": "string"}},
                  "required": ["location"], "additionalProperties": false}}}],
              "tool_choice": {"type": "function", "function": {"name": "get_weather"}},
              "parallel_tool_calls": false
            }
            """;

    @Test
    void defaultExample() throws Exception {
        ChatRequest r = decode(DEFAULT);
        assertThat(r).isEqualTo(new ChatRequest("gpt-4.1", List.of(new Part.Text("You are a helpful assistant.")),
                List.of(Message.user("Hello!")), null, null, null, null, null, null, null, null, null, null, false,
                false, null, null));
    }

    @Test
    void functionsExample() throws Exception {
        ChatRequest r = decode(FUNCTIONS);
        JsonNode params = json.readTree(FUNCTIONS).path("tools").path(0).path("function").path("parameters");
        assertThat(r.tools()).containsExactly(new Tool("get_current_weather",
                "Get the current weather in a given location", params, null));
        assertThat(r.toolChoice()).isEqualTo(ToolChoice.AUTO);
        assertThat(r.messages()).containsExactly(Message.user("What is the weather like in Boston today?"));
    }

    @Test
    void visionExampleByUrlAndBase64() throws Exception {
        ChatRequest r = decode(VISION);
        assertThat(r.messages()).containsExactly(new Message(Message.Role.USER, List.of(
                new Part.Text("What is in this image?"),
                new Part.Image("https://upload.wikimedia.org/wikipedia/commons/thumb/d/dd/"
                        + "Gfp-wisconsin-madison-the-nature-boardwalk.jpg/2560px-Gfp-wisconsin-madison-the-nature-boardwalk.jpg",
                        null, null),
                new Part.Image(null, "image/jpeg", "/9j/4AAQSkZJRg=="))));
        assertThat(r.maxTokens()).isEqualTo(300);
    }

    @Test
    void toolConversationGroupsResultsInOneUserTurnAndFoldsTheLateSystemMessage() throws Exception {
        ChatRequest r = decode(TOOL_CONVERSATION);
        assertThat(r.system()).containsExactly(new Part.Text("Answer in one word."));
        assertThat(r.messages()).containsExactly(
                Message.user("What's the weather like in Paris and Bogotá today?"),
                new Message(Message.Role.ASSISTANT, List.of(
                        new Part.ToolCall("call_12345xyz", "get_weather", "{\"location\":\"Paris, France\"}"),
                        new Part.ToolCall("call_67890abc", "get_weather", "{\"location\":\"Bogotá, Colombia\"}"))),
                new Message(Message.Role.USER, List.of(
                        new Part.ToolResult("call_12345xyz", null, List.of(new Part.Text("14°C")), false),
                        new Part.ToolResult("call_67890abc", null, List.of(new Part.Text("18°C")), false),
                        new Part.Text("Which is warmer?"))),
                new Message(Message.Role.ASSISTANT, List.of(new Part.Thinking("18 > 14", null),
                        new Part.Text("Bogotá."))),
                Message.user("And tomorrow?"));
        assertThat(r.toolChoice()).isEqualTo(ToolChoice.tool("get_weather"));
        assertThat(r.parallelToolCalls()).isFalse();
        assertThat(r.tools().getFirst().strict()).isTrue();
        assertThat(r.tools().getFirst().description()).isNull();
    }

    @Test
    void samplingStreamingFormatAndEffort() throws Exception {
        ChatRequest r = decode("""
                {"model": "o4-mini", "messages": [{"role": "user", "content": "Solve 8x + 7 = -23"}],
                 "max_tokens": 100, "max_completion_tokens": 2000, "temperature": 0.2, "top_p": 0.9,
                 "stop": "END", "reasoning_effort": "high", "stream": true, "stream_options": {"include_usage": true},
                 "user": "user-1234", "store": true, "metadata": {"a": "b"}, "service_tier": "auto", "n": 1,
                 "logprobs": false, "modalities": ["text"],
                 "response_format": {"type": "json_schema", "json_schema": {"name": "math_reasoning", "strict": true,
                   "schema": {"type": "object", "properties": {"final_answer": {"type": "string"}},
                     "required": ["final_answer"], "additionalProperties": false}}}}
                """);
        assertThat(r.maxTokens()).isEqualTo(2000);
        assertThat(r.temperature()).isEqualTo(0.2);
        assertThat(r.topP()).isEqualTo(0.9);
        assertThat(r.stop()).containsExactly("END");
        assertThat(r.thinking()).isEqualTo(new ChatRequest.Thinking(null, "high"));
        assertThat(r.stream()).isTrue();
        assertThat(r.includeUsage()).isTrue();
        assertThat(r.user()).isEqualTo("user-1234");
        assertThat(r.responseFormat()).isEqualTo(new ResponseFormat(ResponseFormat.Type.JSON_SCHEMA, "math_reasoning",
                json.readTree("""
                        {"type": "object", "properties": {"final_answer": {"type": "string"}},
                         "required": ["final_answer"], "additionalProperties": false}"""), true));
        assertThat(r.extensions()).isNull(); // store, metadata, service_tier dropped; n 1, logprobs false, text fine
    }

    @Test
    void stopArrayJsonObjectAndTextFormats() throws Exception {
        ChatRequest r = decode("""
                {"model":"m","messages":[{"role":"user","content":"hi"}],"stop":["a","b"],
                 "response_format":{"type":"json_object"},"tool_choice":"required"}""");
        assertThat(r.stop()).containsExactly("a", "b");
        assertThat(r.responseFormat()).isEqualTo(new ResponseFormat(ResponseFormat.Type.JSON_OBJECT, null, null, null));
        assertThat(r.toolChoice()).isEqualTo(ToolChoice.REQUIRED);
        assertThat(decode("""
                {"model":"m","messages":[],"response_format":{"type":"text"},"tool_choice":"none"}""")
                .responseFormat()).isNull();
    }

    @Test
    void seedPenaltiesAndUnknownFieldsAreExtensions() throws Exception {
        ChatRequest r = decode("""
                {"model":"m","messages":[{"role":"user","content":"hi"}],"seed":42,"frequency_penalty":0.5,
                 "presence_penalty":0.1,"top_k":20,"chat_template_kwargs":{"enable_thinking":false},"store":false}""");
        assertThat(r.extensions()).isEqualTo(json.readTree("""
                {"seed":42,"frequency_penalty":0.5,"presence_penalty":0.1,"top_k":20,
                 "chat_template_kwargs":{"enable_thinking":false}}"""));
        assertThat(r.topK()).isNull();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "\"n\": 2                                       | n",
            "\"logprobs\": true                             | logprobs",
            "\"top_logprobs\": 3                            | top_logprobs",
            "\"logit_bias\": {\"50256\": -100}              | logit_bias",
            "\"audio\": {\"voice\": \"alloy\", \"format\": \"wav\"} | audio",
            "\"modalities\": [\"text\", \"audio\"]          | modalities[1]",
            "\"prediction\": {\"type\": \"content\", \"content\": \"x\"} | prediction",
            "\"functions\": [{\"name\": \"f\"}]             | functions",
            "\"tools\": [{\"type\": \"custom\", \"custom\": {\"name\": \"c\"}}] | tools[0].type",
            "\"tool_choice\": {\"type\": \"allowed_tools\"} | tool_choice.type",
            "\"temperature\": \"hot\"                       | temperature",
            "\"response_format\": {\"type\": \"grammar\"}   | response_format.type",
    })
    void fieldsThatChangeTheAnswerAreRefusedByName(String field, String param) {
        TranslationException e = refused("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],"
                + field + "}");
        assertThat(e.param()).isEqualTo(param);
        assertThat(e.getMessage()).isNotBlank();
    }

    @Test
    void contentPartsAndRolesThatCannotBeTranslatedAreRefusedByPath() {
        assertThat(refused("""
                {"model":"m","messages":[{"role":"user","content":[{"type":"input_audio",
                 "input_audio":{"data":"AAAA","format":"wav"}}]}]}""").param()).isEqualTo("messages[0].content[0].type");
        assertThat(refused("""
                {"model":"m","messages":[{"role":"user","content":"a"},{"role":"assistant","content":null,
                 "function_call":{"name":"f","arguments":"{}"}}]}""").param()).isEqualTo("messages[1].function_call");
        assertThat(refused("""
                {"model":"m","messages":[{"role":"tool","content":"x"}]}""").param())
                .isEqualTo("messages[0].tool_call_id");
        assertThat(refused("""
                {"model":"m","messages":[{"role":"wizard","content":"x"}]}""").param()).isEqualTo("messages[0].role");
        assertThat(refused("""
                {"model":"m","messages":[{"role":"system","content":[{"type":"image_url",
                 "image_url":{"url":"https://x/y.png"}}]}]}""").param()).isEqualTo("messages[0].content[0].type");
    }

    @Test
    void malformedBodiesAreRefused() {
        assertThat(refused("{\"model\":").getMessage()).startsWith("the request body is not valid JSON");
        assertThat(refused("[1,2]").getMessage()).isEqualTo("the request body must be a JSON object");
        assertThat(refused("{\"model\":\"m\"}").param()).isEqualTo("messages");
    }

    private ChatRequest decode(String body) throws TranslationException {
        return codec.decodeRequest(body.getBytes(StandardCharsets.UTF_8), null);
    }

    private TranslationException refused(String body) {
        return catchThrowableOfType(TranslationException.class, () -> decode(body));
    }
}
