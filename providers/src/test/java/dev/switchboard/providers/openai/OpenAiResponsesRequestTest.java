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

/** Responses API requests: the API reference's and guides' examples decoded to the exact ChatRequest, and refusals. */
class OpenAiResponsesRequestTest {
    private final OpenAiResponsesCodec codec = new OpenAiResponsesCodec();
    private final ObjectMapper json = new ObjectMapper();

    /** The API reference's text input example. */
    static final String TEXT = """
            {"model": "gpt-4.1", "input": "Tell me a three sentence bedtime story about a unicorn."}
            """;

    /** The function calling guide's round trip: the model's function_call sent back with its output. */
    static final String FUNCTION_ROUND_TRIP = """
            {
              "model": "gpt-4.1",
              "input": [
                {"role": "user", "content": "What is the weather like in Paris today?"},
                {
                  "type": "function_call",
                  "id": "fc_12345xyz",
                  "call_id": "call_12345xyz",
                  "name": "get_weather",
                  "arguments": "{\\"location\\":\\"Paris, France\\"}"
                },
                {"type": "function_call_output", "call_id": "call_12345xyz", "output": "14"}
              ],
              "tools": [
                {
                  "type": "function",
                  "name": "get_weather",
                  "description": "Get current temperature for a given location.",
                  "parameters": {
                    "type": "object",
                    "properties": {
                      "location": {"type": "string", "description": "City and country e.g. Bogotá, Colombia"}
                    },
                    "required": ["location"],
                    "additionalProperties": false
                  },
                  "strict": true
                }
              ]
            }
            """;

    /** The images guide's example: a URL, and the base64 variant. */
    static final String IMAGES = """
            {
              "model": "gpt-4.1-mini",
              "input": [
                {
                  "role": "user",
                  "content": [
                    {"type": "input_text", "text": "what's in this image?"},
                    {"type": "input_image", "image_url": "https://api.nga.gov/iiif/a2e6da57-3cd1-4235-b20e-95dcaefed6c8/full/!800,800/0/default.jpg"},
                    {"type": "input_image", "image_url": "data:image/jpeg;base64,/9j/4AAQSkZJRg==", "detail": "high"}
                  ]
                }
              ]
            }
            """;

    /** The structured outputs guide's example. */
    static final String JSON_SCHEMA = """
            {
              "model": "gpt-4o-2024-08-06",
              "input": [
                {"role": "system", "content": "Extract the event information."},
                {"role": "user", "content": "Alice and Bob are going to a science fair on Friday."}
              ],
              "text": {
                "format": {
                  "type": "json_schema",
                  "name": "calendar_event",
                  "schema": {
                    "type": "object",
                    "properties": {
                      "name": {"type": "string"},
                      "date": {"type": "string"},
                      "participants": {"type": "array", "items": {"type": "string"}}
                    },
                    "required": ["name", "date", "participants"],
                    "additionalProperties": false
                  },
                  "strict": true
                }
              }
            }
            """;

    @Test
    void textInputIsOneUserTurn() throws Exception {
        assertThat(decode(TEXT)).isEqualTo(new ChatRequest("gpt-4.1", List.of(),
                List.of(Message.user("Tell me a three sentence bedtime story about a unicorn.")), List.of(), null,
                null, null, null, null, null, List.of(), null, null, false, false, null, null));
    }

    @Test
    void functionCallRoundTripIsAnAssistantCallAndAToolResult() throws Exception {
        JsonNode doc = json.readTree(FUNCTION_ROUND_TRIP);
        assertThat(decode(FUNCTION_ROUND_TRIP)).isEqualTo(new ChatRequest("gpt-4.1", List.of(), List.of(
                Message.user("What is the weather like in Paris today?"),
                new Message(Message.Role.ASSISTANT, List.of(new Part.ToolCall("call_12345xyz", "get_weather",
                        "{\"location\":\"Paris, France\"}"))),
                new Message(Message.Role.USER, List.of(new Part.ToolResult("call_12345xyz", null,
                        List.of(new Part.Text("14")), false)))),
                List.of(new Tool("get_weather", "Get current temperature for a given location.",
                        doc.get("tools").get(0).get("parameters"), true)),
                null, null, null, null, null, null, List.of(), null, null, false, false, null, null));
    }

    @Test
    void imagesByUrlAndBase64() throws Exception {
        assertThat(decode(IMAGES).messages()).containsExactly(new Message(Message.Role.USER, List.of(
                new Part.Text("what's in this image?"),
                new Part.Image("https://api.nga.gov/iiif/a2e6da57-3cd1-4235-b20e-95dcaefed6c8/full/!800,800/0/default.jpg",
                        null, null),
                new Part.Image(null, "image/jpeg", "/9j/4AAQSkZJRg=="))));
    }

    @Test
    void jsonSchemaFormatAndSystemMessage() throws Exception {
        JsonNode schema = json.readTree(JSON_SCHEMA).at("/text/format/schema");
        assertThat(decode(JSON_SCHEMA)).isEqualTo(new ChatRequest("gpt-4o-2024-08-06",
                List.of(new Part.Text("Extract the event information.")),
                List.of(Message.user("Alice and Bob are going to a science fair on Friday.")), List.of(), null, null,
                null, null, null, null, List.of(),
                new ResponseFormat(ResponseFormat.Type.JSON_SCHEMA, "calendar_event", schema, true), null, false,
                false, null, null));
    }

    @Test
    void everySamplingFieldAndInstructionsAndReasoning() throws Exception {
        ChatRequest r = decode("""
                {"model": "o4-mini", "instructions": "Talk like a pirate.", "input": [
                   {"type": "message", "role": "developer", "content": [{"type": "input_text", "text": "Be brief."}]},
                   {"role": "user", "content": "Are semicolons optional in JavaScript?"}],
                 "max_output_tokens": 500, "temperature": 0.2, "top_p": 0.9, "parallel_tool_calls": false,
                 "tool_choice": {"type": "function", "name": "get_weather"}, "reasoning": {"effort": "low",
                 "summary": "auto"}, "stream": true, "safety_identifier": "user-42", "store": false,
                 "metadata": {"k": "v"}, "truncation": "auto", "service_tier": "auto",
                 "include": ["reasoning.encrypted_content"], "text": {"format": {"type": "json_object"},
                 "verbosity": "low"}, "seed": 7}
                """);
        assertThat(r.system()).containsExactly(new Part.Text("Talk like a pirate."), new Part.Text("Be brief."));
        assertThat(r.maxTokens()).isEqualTo(500);
        assertThat(r.temperature()).isEqualTo(0.2);
        assertThat(r.topP()).isEqualTo(0.9);
        assertThat(r.parallelToolCalls()).isFalse();
        assertThat(r.toolChoice()).isEqualTo(ToolChoice.tool("get_weather"));
        assertThat(r.thinking()).isEqualTo(new ChatRequest.Thinking(null, "low"));
        assertThat(r.stream()).isTrue();
        assertThat(r.user()).isEqualTo("user-42");
        assertThat(r.responseFormat()).isEqualTo(new ResponseFormat(ResponseFormat.Type.JSON_OBJECT, null, null, null));
        assertThat(r.extensions()).isEqualTo(json.readTree("{\"seed\": 7, \"verbosity\": \"low\"}"));
    }

    /** The items of an earlier answer sent back: reasoning (with its signature), message and call join one turn. */
    @Test
    void earlierOutputItemsFormOneAssistantTurn() throws Exception {
        ChatRequest r = decode("""
                {"model": "m", "input": [
                  {"role": "user", "content": "Weather in Paris?"},
                  {"type": "reasoning", "id": "rs_1", "summary": [{"type": "summary_text", "text": "Need a tool."},
                    {"type": "summary_text", "text": "Call it."}], "encrypted_content": "sig-abc"},
                  {"type": "reasoning", "id": "rs_2", "summary": [], "encrypted_content": "opaque"},
                  {"type": "message", "id": "msg_1", "role": "assistant", "status": "completed",
                   "content": [{"type": "output_text", "text": "Checking.", "annotations": []}]},
                  {"type": "function_call", "call_id": "call_1", "name": "get_weather", "arguments": "{}"},
                  {"type": "function_call", "call_id": "call_2", "name": "get_time", "arguments": "{}"},
                  {"type": "function_call_output", "call_id": "call_1", "output": [{"type": "input_text", "text": "14C"}]},
                  {"type": "function_call_output", "call_id": "call_2", "output": "noon"},
                  {"role": "user", "content": "And tomorrow?"}]}
                """);
        assertThat(r.messages()).containsExactly(
                Message.user("Weather in Paris?"),
                new Message(Message.Role.ASSISTANT, List.of(new Part.Thinking("Need a tool.\n\nCall it.", "sig-abc"),
                        new Part.RedactedThinking("opaque"), new Part.Text("Checking."),
                        new Part.ToolCall("call_1", "get_weather", "{}"), new Part.ToolCall("call_2", "get_time", "{}"))),
                new Message(Message.Role.USER, List.of(
                        new Part.ToolResult("call_1", null, List.of(new Part.Text("14C")), false),
                        new Part.ToolResult("call_2", null, List.of(new Part.Text("noon")), false),
                        new Part.Text("And tomorrow?"))));
    }

    @Test
    void previousResponseIdIsRefusedWithItsField() {
        TranslationException e = refusal("{\"model\":\"m\",\"previous_response_id\":\"resp_123\",\"input\":\"more\"}");
        assertThat(e.param()).isEqualTo("previous_response_id");
        assertThat(e.getMessage()).contains("send the whole conversation in input");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "{\"model\":\"m\",\"conversation\":\"conv_1\",\"input\":\"x\"}|conversation",
            "{\"model\":\"m\",\"background\":true,\"input\":\"x\"}|background",
            "{\"model\":\"m\",\"prompt\":{\"id\":\"pmpt_1\"},\"input\":\"x\"}|prompt",
            "{\"model\":\"m\",\"top_logprobs\":3,\"input\":\"x\"}|top_logprobs",
            "{\"model\":\"m\",\"include\":[\"message.output_text.logprobs\"],\"input\":\"x\"}|include[0]",
            "{\"model\":\"m\",\"tools\":[{\"type\":\"web_search\"}],\"input\":\"x\"}|tools[0].type",
            "{\"model\":\"m\",\"tools\":[{\"type\":\"function\",\"name\":\"f\"},{\"type\":\"file_search\"}],\"input\":\"x\"}|tools[1].type",
            "{\"model\":\"m\",\"tool_choice\":{\"type\":\"web_search_preview\"},\"input\":\"x\"}|tool_choice.type",
            "{\"model\":\"m\",\"input\":[{\"type\":\"item_reference\",\"id\":\"msg_1\"}]}|input[0].type",
            "{\"model\":\"m\",\"input\":[{\"type\":\"web_search_call\",\"id\":\"ws_1\"}]}|input[0].type",
            "{\"model\":\"m\",\"input\":[{\"role\":\"user\",\"content\":[{\"type\":\"input_image\",\"file_id\":\"file-1\"}]}]}|input[0].content[0].file_id",
            "{\"model\":\"m\",\"input\":[{\"role\":\"user\",\"content\":[{\"type\":\"input_file\",\"file_id\":\"file-1\"}]}]}|input[0].content[0].type",
            "{\"model\":\"m\",\"input\":[{\"type\":\"function_call\",\"name\":\"f\"}]}|input[0].call_id",
            "{\"model\":\"m\"}|input",
    })
    void refusedByPath(String body, String param) {
        assertThat(refusal(body).param()).isEqualTo(param);
    }

    private ChatRequest decode(String body) throws TranslationException {
        return codec.decodeRequest(body.getBytes(StandardCharsets.UTF_8), null);
    }

    private TranslationException refusal(String body) {
        return catchThrowableOfType(TranslationException.class, () -> decode(body));
    }
}
