package dev.switchboard.providers.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
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

/** Backend requests: what an OpenAI-compatible server gets when the client spoke another format. */
class OpenAiRequestWriterTest {
    private final OpenAiChatCodec codec = new OpenAiChatCodec();
    private final ObjectMapper json = new ObjectMapper();

    /**
     * Anthropic's documented tool-use turn (get_weather in San Francisco) as an Anthropic Messages client sends it
     * with thinking on, after the Anthropic decoder: a cached system block, signed and redacted thinking, a tool
     * result followed by more user content in the same turn.
     */
    ChatRequest anthropicToolTurn() throws Exception {
        return new ChatRequest("meta-llama/Llama-3.1-8B-Instruct",
                List.of(new Part.Text("You are a weather bot.", "ephemeral")),
                List.of(Message.user("What's the weather like in San Francisco?"),
                        new Message(Message.Role.ASSISTANT, List.of(
                                new Part.Thinking("I should call get_weather.", "EqQBCgIYAhIM1gbcDa9GJwZA"),
                                new Part.RedactedThinking("EmwKAhgBEgy3va3pzix"),
                                new Part.Text("I'll check the weather."),
                                new Part.ToolCall("toolu_01A09q90qw90lq917835lq9", "get_weather",
                                        "{\"location\":\"San Francisco, CA\"}"))),
                        new Message(Message.Role.USER, List.of(
                                new Part.ToolResult("toolu_01A09q90qw90lq917835lq9", "get_weather",
                                        List.of(new Part.Text("15 degrees")), false),
                                new Part.Text("Is that warm?", "ephemeral"),
                                new Part.Image(null, "image/png", "iVBORw0KGgo=")))),
                List.of(new Tool("get_weather", "Get the current weather in a given location", json.readTree("""
                        {"type":"object","properties":{"location":{"type":"string",
                         "description":"The city and state, e.g. San Francisco, CA"}},"required":["location"]}"""),
                        null)),
                ToolChoice.REQUIRED, false, 1024, 0.5, 0.95, 40, List.of("\n\nHuman:"), null,
                new ChatRequest.Thinking(8000, null), true, false, "user-42", null);
    }

    @Test
    void anthropicToolTurnBecomesTheExactOpenAiBody() throws Exception {
        assertThat(encode(anthropicToolTurn())).isEqualTo(json.readTree("""
                {
                  "model": "meta-llama/Llama-3.1-8B-Instruct",
                  "messages": [
                    {"role": "system", "content": "You are a weather bot."},
                    {"role": "user", "content": "What's the weather like in San Francisco?"},
                    {"role": "assistant", "content": "I'll check the weather.", "tool_calls": [
                      {"id": "toolu_01A09q90qw90lq917835lq9", "type": "function",
                       "function": {"name": "get_weather", "arguments": "{\\"location\\":\\"San Francisco, CA\\"}"}}]},
                    {"role": "tool", "tool_call_id": "toolu_01A09q90qw90lq917835lq9", "content": "15 degrees"},
                    {"role": "user", "content": [
                      {"type": "text", "text": "Is that warm?"},
                      {"type": "image_url", "image_url": {"url": "data:image/png;base64,iVBORw0KGgo="}}]}
                  ],
                  "tools": [{"type": "function", "function": {"name": "get_weather",
                    "description": "Get the current weather in a given location",
                    "parameters": {"type": "object", "properties": {"location": {"type": "string",
                      "description": "The city and state, e.g. San Francisco, CA"}}, "required": ["location"]}}}],
                  "tool_choice": "required",
                  "parallel_tool_calls": false,
                  "max_tokens": 1024,
                  "temperature": 0.5,
                  "top_p": 0.95,
                  "top_k": 40,
                  "stop": ["\\n\\nHuman:"],
                  "reasoning_effort": "medium",
                  "stream": true,
                  "stream_options": {"include_usage": true},
                  "user": "user-42"
                }
                """));
    }

    @Test
    void documentedOpenAiRequestsSurviveARoundTrip() throws Exception {
        for (String body : List.of(OpenAiRequestReaderTest.DEFAULT, OpenAiRequestReaderTest.FUNCTIONS,
                OpenAiRequestReaderTest.VISION)) {
            ChatRequest once = codec.decodeRequest(body.getBytes(StandardCharsets.UTF_8), null);
            ChatRequest twice = codec.decodeRequest(codec.encodeRequest(once), null);
            assertThat(twice).isEqualTo(once);
        }
    }

    @Test
    void toolResultsKeepTheirOrderAndSeveralSystemPartsStaySeparate() throws Exception {
        ChatRequest r = new ChatRequest("m", List.of(new Part.Text("One."), new Part.Text("Two.")),
                List.of(new Message(Message.Role.USER, List.of(
                        new Part.ToolResult("b", null, List.of(new Part.Text("2")), true),
                        new Part.ToolResult("a", null, List.of(new Part.Text("x"), new Part.Text("y")), false)))),
                null, ToolChoice.tool("f"), null, null, null, null, null, null,
                new ResponseFormat(ResponseFormat.Type.JSON_SCHEMA, null, json.readTree("{\"type\":\"object\"}"), true),
                new ChatRequest.Thinking(null, "low"), false, false, null, null);
        assertThat(encode(r)).isEqualTo(json.readTree("""
                {"model":"m","messages":[
                  {"role":"system","content":[{"type":"text","text":"One."},{"type":"text","text":"Two."}]},
                  {"role":"tool","tool_call_id":"b","content":"2"},
                  {"role":"tool","tool_call_id":"a","content":[{"type":"text","text":"x"},{"type":"text","text":"y"}]}],
                 "tool_choice":{"type":"function","function":{"name":"f"}},
                 "response_format":{"type":"json_schema","json_schema":{"name":"response","schema":{"type":"object"},
                   "strict":true}},
                 "reasoning_effort":"low"}"""));
    }

    @Test
    void assistantWithOnlyToolCallsHasNullContentAndThinkingBudgetsMapToEfforts() throws Exception {
        ChatRequest r = request(List.of(new Message(Message.Role.ASSISTANT, List.of(
                new Part.Thinking("hmm", "sig"), new Part.ToolCall("c1", "f", "{}")))), null,
                new ChatRequest.Thinking(32000, null));
        assertThat(encode(r)).isEqualTo(json.readTree("""
                {"model":"m","messages":[{"role":"assistant","content":null,"tool_calls":[
                  {"id":"c1","type":"function","function":{"name":"f","arguments":"{}"}}]}],
                 "reasoning_effort":"high"}"""));
        assertThat(encode(request(List.of(Message.user("q")), null, new ChatRequest.Thinking(1024, null)))
                .path("reasoning_effort").asText()).isEqualTo("low");
    }

    @Test
    void allowedExtensionsPassThroughAndOthersAreRefusedByName() throws Exception {
        ObjectNode ext = (ObjectNode) json.readTree("""
                {"seed":7,"frequency_penalty":0.3,"presence_penalty":0.2,"min_p":0.05,"repetition_penalty":1.1,
                 "top_k":5,"chat_template_kwargs":{"enable_thinking":true}}""");
        assertThat(encode(request(List.of(Message.user("q")), ext, null))).isEqualTo(json.readTree("""
                {"model":"m","messages":[{"role":"user","content":"q"}],"seed":7,"frequency_penalty":0.3,
                 "presence_penalty":0.2,"min_p":0.05,"repetition_penalty":1.1,"top_k":5,
                 "chat_template_kwargs":{"enable_thinking":true}}"""));

        for (String foreign : List.of("safetySettings", "logit_bias", "container", "anthropic_beta")) {
            ObjectNode one = json.createObjectNode().put(foreign, 1);
            TranslationException e = catchThrowableOfType(TranslationException.class,
                    () -> codec.encodeRequest(request(List.of(Message.user("q")), one, null)));
            assertThat(e.param()).isEqualTo(foreign);
            assertThat(e.getMessage()).contains("'" + foreign + "' has no equivalent in the OpenAI Chat Completions API");
        }
    }

    @Test
    void partsOpenAiCannotCarryAreRefused() {
        ChatRequest imageResult = request(List.of(new Message(Message.Role.USER, List.of(new Part.ToolResult("c",
                null, List.of(new Part.Image("https://x/y.png", null, null)), false)))), null, null);
        assertThat(catchThrowableOfType(TranslationException.class, () -> codec.encodeRequest(imageResult)).param())
                .isEqualTo("messages[0].content[0]");
        ChatRequest imageSystem = new ChatRequest("m", List.of(new Part.Image("https://x/y.png", null, null)),
                List.of(Message.user("q")), null, null, null, null, null, null, null, null, null, null, false, false,
                null, null);
        assertThat(catchThrowableOfType(TranslationException.class, () -> codec.encodeRequest(imageSystem)).param())
                .isEqualTo("system");
    }

    private ChatRequest request(List<Message> messages, ObjectNode extensions, ChatRequest.Thinking thinking) {
        return new ChatRequest("m", null, messages, null, null, null, null, null, null, null, null, null, thinking,
                false, false, null, extensions);
    }

    private JsonNode encode(ChatRequest r) throws Exception {
        return json.readTree(codec.encodeRequest(r));
    }
}
