package dev.switchboard.providers.anthropic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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

class AnthropicRequestTest {
    private static final ObjectMapper M = new ObjectMapper();
    private final AnthropicCodec codec = new AnthropicCodec(AnthropicCodec.Flavor.NATIVE, null);

    /** docs.anthropic.com, "Tool use": the get_weather request, with a finished round trip and a vision turn. */
    static final String TOOL_CONVERSATION = """
            {
              "model": "claude-opus-4-6",
              "max_tokens": 1024,
              "system": [{"type": "text", "text": "You are a weather bot.", "cache_control": {"type": "ephemeral"}}],
              "tools": [{
                "name": "get_weather",
                "description": "Get the current weather in a given location",
                "input_schema": {"type": "object", "properties": {"location": {"type": "string",
                  "description": "The city and state, e.g. San Francisco, CA"}}, "required": ["location"]}
              }],
              "tool_choice": {"type": "any", "disable_parallel_tool_use": true},
              "messages": [
                {"role": "user", "content": "What's the weather like in San Francisco?"},
                {"role": "assistant", "content": [
                  {"type": "thinking", "thinking": "Let me check.", "signature": "sig1"},
                  {"type": "text", "text": "<thinking>I need to use get_weather</thinking>"},
                  {"type": "tool_use", "id": "toolu_01A09q90qw90lq917835lq9", "name": "get_weather",
                   "input": {"location": "San Francisco, CA"}}]},
                {"role": "user", "content": [
                  {"type": "tool_result", "tool_use_id": "toolu_01A09q90qw90lq917835lq9", "content": "15 degrees"},
                  {"type": "image", "source": {"type": "base64", "media_type": "image/jpeg", "data": "/9j/4AAQ"}},
                  {"type": "image", "source": {"type": "url", "url": "https://upload.wikimedia.org/a.jpg"}}]}
              ],
              "temperature": 0.5, "top_k": 40, "stop_sequences": ["END"], "stream": true,
              "thinking": {"type": "enabled", "budget_tokens": 512},
              "metadata": {"user_id": "u-42"},
              "inference_geo": "us"
            }
            """;

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void decodesTheDocumentedToolConversation() throws Exception {
        ChatRequest r = codec.decodeRequest(bytes(TOOL_CONVERSATION), null);
        assertThat(r.model()).isEqualTo("claude-opus-4-6");
        assertThat(r.maxTokens()).isEqualTo(1024);
        assertThat(r.system()).containsExactly(new Part.Text("You are a weather bot.", "ephemeral"));
        assertThat(r.tools()).extracting(Tool::name).containsExactly("get_weather");
        assertThat(r.toolChoice()).isEqualTo(ToolChoice.REQUIRED);
        assertThat(r.parallelToolCalls()).isFalse();
        assertThat(r.messages().get(1).content()).containsExactly(new Part.Thinking("Let me check.", "sig1"),
                new Part.Text("<thinking>I need to use get_weather</thinking>"),
                new Part.ToolCall("toolu_01A09q90qw90lq917835lq9", "get_weather", "{\"location\":\"San Francisco, CA\"}"));
        assertThat(r.messages().get(2).content()).containsExactly(
                new Part.ToolResult("toolu_01A09q90qw90lq917835lq9", null, List.of(new Part.Text("15 degrees")), false),
                new Part.Image(null, "image/jpeg", "/9j/4AAQ"), new Part.Image("https://upload.wikimedia.org/a.jpg", null, null));
        assertThat(r.temperature()).isEqualTo(0.5);
        assertThat(r.topK()).isEqualTo(40);
        assertThat(r.stop()).containsExactly("END");
        assertThat(r.stream()).isTrue();
        assertThat(r.thinking()).isEqualTo(new ChatRequest.Thinking(512, null));
        assertThat(r.user()).isEqualTo("u-42");
        assertThat(r.extensions()).isEqualTo(M.readTree("{\"inference_geo\":\"us\"}"));
    }

    @Test
    void reEncodingTheDecodedRequestGivesTheSameBody() throws Exception {
        ChatRequest r = codec.decodeRequest(bytes(TOOL_CONVERSATION), null);
        ObjectNode expected = (ObjectNode) M.readTree(TOOL_CONVERSATION);
        expected.remove("inference_geo");
        // a string content comes back as its one text block (the same request to Anthropic)
        ((ObjectNode) expected.get("messages").get(0)).set("content",
                M.readTree("[{\"type\":\"text\",\"text\":\"What's the weather like in San Francisco?\"}]"));
        ChatRequest withoutExtension = new ChatRequest(r.model(), r.system(), r.messages(), r.tools(), r.toolChoice(),
                r.parallelToolCalls(), r.maxTokens(), r.temperature(), r.topP(), r.topK(), r.stop(),
                r.responseFormat(), r.thinking(), r.stream(), false, r.user(), null);
        assertThat(M.readTree(codec.encodeRequest(withoutExtension))).isEqualTo(expected);
    }

    @Test
    void unknownExtensionIsRejectedWhenEncoding() throws Exception {
        ChatRequest r = codec.decodeRequest(bytes(TOOL_CONVERSATION), null);
        assertThatThrownBy(() -> codec.encodeRequest(r)).isInstanceOf(TranslationException.class)
                .extracting(e -> ((TranslationException) e).param()).isEqualTo("inference_geo");
    }

    @Test
    void missingMaxTokensIsA400NamingIt() {
        assertThatThrownBy(() -> codec.decodeRequest(bytes("{\"model\":\"m\",\"messages\":[]}"), null))
                .isInstanceOf(TranslationException.class).extracting(e -> ((TranslationException) e).param())
                .isEqualTo("max_tokens");
    }

    @Test
    void serverToolsAndMcpServersAreRejected() {
        String web = "{\"model\":\"m\",\"max_tokens\":5,\"messages\":[],\"tools\":[{\"type\":\"web_search_20250305\",\"name\":\"web_search\"}]}";
        assertThatThrownBy(() -> codec.decodeRequest(bytes(web), null)).extracting(e -> ((TranslationException) e).param())
                .isEqualTo("tools[0].type");
        String mcp = "{\"model\":\"m\",\"max_tokens\":5,\"messages\":[],\"mcp_servers\":[]}";
        assertThatThrownBy(() -> codec.decodeRequest(bytes(mcp), null)).extracting(e -> ((TranslationException) e).param())
                .isEqualTo("mcp_servers");
    }

    /** An OpenAI-shaped conversation: consecutive tool messages, an empty assistant text, effort-only reasoning. */
    private static ChatRequest openAiLike(boolean stream) throws Exception {
        return new ChatRequest("claude-sonnet-4-5", List.of(new Part.Text("Be brief.")), List.of(
                Message.user("Weather in Paris and Rome?"),
                new Message(Message.Role.ASSISTANT, List.of(new Part.Text(""),
                        new Part.ToolCall("call_1", "get_weather", "{\"city\":\"Paris\"}"),
                        new Part.ToolCall("call_2", "get_weather", "{\"city\":\"Rome\"}"))),
                new Message(Message.Role.USER, List.of(new Part.ToolResult("call_1", null, List.of(new Part.Text("20C")), false))),
                new Message(Message.Role.USER, List.of(new Part.ToolResult("call_2", null, List.of(new Part.Text("oops")), true))),
                new Message(Message.Role.USER, List.of(new Part.Text("And in Fahrenheit?"),
                        Part.Image.fromUrl("data:image/png;base64,iVBORw0KGgo=")))),
                List.of(new Tool("get_weather", null, M.readTree("{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}}}"), null)),
                ToolChoice.AUTO, false, 20000, null, 0.9, null, List.of("STOP"),
                new ResponseFormat(ResponseFormat.Type.JSON_SCHEMA, "w", M.readTree("{\"type\":\"object\"}"), true),
                new ChatRequest.Thinking(null, "medium"), stream, true, "user-7", null);
    }

    private static final String ENCODED_TAIL = """
              "max_tokens": 20000,
              "system": "Be brief.",
              "messages": [
                {"role": "user", "content": [{"type": "text", "text": "Weather in Paris and Rome?"}]},
                {"role": "assistant", "content": [
                  {"type": "tool_use", "id": "call_1", "name": "get_weather", "input": {"city": "Paris"}},
                  {"type": "tool_use", "id": "call_2", "name": "get_weather", "input": {"city": "Rome"}}]},
                {"role": "user", "content": [
                  {"type": "tool_result", "tool_use_id": "call_1", "content": "20C"},
                  {"type": "tool_result", "tool_use_id": "call_2", "content": "oops", "is_error": true},
                  {"type": "text", "text": "And in Fahrenheit?"},
                  {"type": "image", "source": {"type": "base64", "media_type": "image/png", "data": "iVBORw0KGgo="}}]}
              ],
              "tools": [{"name": "get_weather", "input_schema": {"type": "object", "properties": {"city": {"type": "string"}}}}],
              "tool_choice": {"type": "auto", "disable_parallel_tool_use": true},
              "thinking": {"type": "enabled", "budget_tokens": 4096},
              "top_p": 0.9,
              "stop_sequences": ["STOP"],
              "output_config": {"format": {"type": "json_schema", "schema": {"type": "object"}}},
              "metadata": {"user_id": "user-7"}
            """;

    @Test
    void encodesForEachFlavor() throws Exception {
        assertThat(M.readTree(codec.encodeRequest(openAiLike(true)))).isEqualTo(
                M.readTree("{\"model\": \"claude-sonnet-4-5\"," + ENCODED_TAIL + ", \"stream\": true}"));
        AnthropicCodec vertex = new AnthropicCodec(AnthropicCodec.Flavor.VERTEX, null);
        assertThat(M.readTree(vertex.encodeRequest(openAiLike(true)))).isEqualTo(
                M.readTree("{\"anthropic_version\": \"vertex-2023-10-16\"," + ENCODED_TAIL + ", \"stream\": true}"));
        AnthropicCodec bedrock = new AnthropicCodec(AnthropicCodec.Flavor.BEDROCK, "bedrock-2099-01-01");
        assertThat(M.readTree(bedrock.encodeRequest(openAiLike(true)))).isEqualTo(
                M.readTree("{\"anthropic_version\": \"bedrock-2099-01-01\"," + ENCODED_TAIL + "}"));
    }

    @Test
    void requestsClaudeCannotAnswerAsAskedAreRejected() throws Exception {
        ChatRequest r = openAiLike(false);
        ChatRequest noMax = new ChatRequest(r.model(), r.system(), r.messages(), r.tools(), r.toolChoice(),
                r.parallelToolCalls(), null, null, null, null, null, null, null, false, false, null, null);
        assertThat(param(noMax)).isEqualTo("max_tokens");
        ChatRequest jsonObject = new ChatRequest(r.model(), r.system(), r.messages(), r.tools(), null, null, 100,
                null, null, null, null, new ResponseFormat(ResponseFormat.Type.JSON_OBJECT, null, null, null), null,
                false, false, null, null);
        assertThat(param(jsonObject)).isEqualTo("response_format");
        ChatRequest hot = new ChatRequest(r.model(), r.system(), r.messages(), List.of(), null, null, 100, 1.5,
                null, null, null, null, null, false, false, null, null);
        assertThat(param(hot)).isEqualTo("temperature");
        ChatRequest smallMax = new ChatRequest(r.model(), r.system(), r.messages(), List.of(), null, null, 1000,
                null, null, null, null, null, new ChatRequest.Thinking(null, "low"), false, false, null, null);
        assertThat(param(smallMax)).isEqualTo("max_tokens");
    }

    private String param(ChatRequest r) {
        try {
            codec.encodeRequest(r);
            return "no exception";
        } catch (TranslationException e) {
            return e.param();
        }
    }

    @Test
    void countTokensBothWays() throws Exception {
        JsonNode body = M.readTree(codec.countTokensRequest(openAiLike(false)));
        assertThat(body.get("model").asText()).isEqualTo("claude-sonnet-4-5");
        assertThat(body.has("max_tokens")).isFalse();
        assertThat(body.has("stream")).isFalse();
        assertThat(body.get("messages")).hasSize(3);
        assertThat(codec.countTokensResponse(bytes("{\"input_tokens\": 2095}"))).isEqualTo(2095);
        assertThat(codec.countTokensResponse(bytes("<html>"))).isEqualTo(-1);
        ChatRequest fromClient = codec.decodeCountTokensRequest(bytes(
                "{\"model\":\"claude-opus-4-6\",\"messages\":[{\"role\":\"user\",\"content\":\"Hello, world\"}]}"));
        assertThat(fromClient.messages()).containsExactly(Message.user("Hello, world"));
        assertThat(new String(codec.countTokensResponseBody(14), StandardCharsets.UTF_8)).isEqualTo("{\"input_tokens\":14}");
    }
}
