package dev.switchboard.providers.gemini;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.providers.TranslationException;
import dev.switchboard.providers.chat.ChatRequest;
import dev.switchboard.providers.chat.Message;
import dev.switchboard.providers.chat.Part;
import dev.switchboard.providers.chat.ResponseFormat;
import dev.switchboard.providers.chat.Tool;
import dev.switchboard.providers.chat.ToolChoice;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class GeminiRequestTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final GeminiCodec codec = new GeminiCodec();

    static byte[] resource(String name) throws IOException {
        try (InputStream in = GeminiRequestTest.class.getResourceAsStream("/gemini/" + name)) {
            return in.readAllBytes();
        }
    }

    @Test
    void decodesTheDocumentedFunctionCallingConversation() throws Exception {
        ChatRequest r = codec.decodeRequest(resource("function-calling-request.json"), "gemini-2.5-flash", true);

        assertThat(r.model()).isEqualTo("gemini-2.5-flash");
        assertThat(r.stream()).isTrue();
        assertThat(r.system()).containsExactly(new Part.Text("You are a weather bot."));
        assertThat(r.messages()).hasSize(3);
        assertThat(r.messages().get(1)).isEqualTo(new Message(Message.Role.ASSISTANT, List.of(
                new Part.Thinking("", "sig-a"),
                new Part.ToolCall("call_0", "get_current_temperature", "{\"location\":\"London\"}"))));
        assertThat(r.messages().get(2)).isEqualTo(new Message(Message.Role.USER, List.of(new Part.ToolResult(
                "call_0", "get_current_temperature", List.of(new Part.Text("{\"temperature\":25,\"unit\":\"Celsius\"}")),
                false))));
        Tool tool = r.tools().getFirst();
        assertThat(tool.name()).isEqualTo("get_current_temperature");
        assertThat(tool.parameters()).isEqualTo(JSON.readTree("""
                {"type":"object","properties":{"location":{"type":"string",
                 "description":"The city name, e.g. San Francisco"}},"required":["location"]}"""));
        assertThat(r.toolChoice()).isEqualTo(ToolChoice.tool("get_current_temperature"));
        assertThat(r.temperature()).isEqualTo(0.2);
        assertThat(r.topP()).isEqualTo(0.9);
        assertThat(r.topK()).isEqualTo(40);
        assertThat(r.maxTokens()).isEqualTo(800);
        assertThat(r.stop()).containsExactly("Title");
        assertThat(r.thinking()).isEqualTo(new ChatRequest.Thinking(1024, null));
        assertThat(r.extensions()).isEqualTo(JSON.readTree("""
                {"seed":7,"safetySettings":[{"category":"HARM_CATEGORY_HARASSMENT","threshold":"BLOCK_ONLY_HIGH"}]}"""));
    }

    @Test
    void decodesImagesThoughtsAndJsonMode() throws Exception {
        ChatRequest r = codec.decodeRequest("""
                {"contents":[{"parts":[{"text":"Caption this image."},
                   {"inlineData":{"mimeType":"image/jpeg","data":"/9j/4AAQ"}},
                   {"fileData":{"mimeType":"image/png","fileUri":"https://generativelanguage.googleapis.com/v1beta/files/abc"}}]},
                  {"role":"model","parts":[{"text":"pondering","thought":true,"thoughtSignature":"s1"},{"text":"A cat."}]}],
                 "generationConfig":{"responseMimeType":"application/json",
                   "responseSchema":{"type":"OBJECT","properties":{"caption":{"type":"STRING","nullable":true}}}}}
                """.getBytes(StandardCharsets.UTF_8), "gemini-2.5-pro");
        assertThat(r.messages().get(0).content()).containsExactly(new Part.Text("Caption this image."),
                new Part.Image(null, "image/jpeg", "/9j/4AAQ"),
                new Part.Image("https://generativelanguage.googleapis.com/v1beta/files/abc", "image/png", null));
        assertThat(r.messages().get(1).content()).containsExactly(new Part.Thinking("pondering", "s1"),
                new Part.Text("A cat."));
        assertThat(r.responseFormat().type()).isEqualTo(ResponseFormat.Type.JSON_SCHEMA);
        assertThat(r.responseFormat().schema()).isEqualTo(JSON.readTree("""
                {"type":"object","properties":{"caption":{"type":["string","null"]}}}"""));
    }

    @Test
    void rejectsWhatOnlyGeminiHas() {
        assertThatThrownBy(() -> decode("{\"contents\":[],\"tools\":[{\"googleSearch\":{}}]}"))
                .isInstanceOf(TranslationException.class)
                .extracting(e -> ((TranslationException) e).param()).isEqualTo("tools[0].googleSearch");
        assertThatThrownBy(() -> decode("{\"contents\":[],\"generationConfig\":{\"candidateCount\":2}}"))
                .extracting(e -> ((TranslationException) e).param()).isEqualTo("generationConfig.candidateCount");
        assertThatThrownBy(() -> decode("{\"contents\":[{\"parts\":[{\"executableCode\":{\"code\":\"1\"}}]}]}"))
                .extracting(e -> ((TranslationException) e).param()).isEqualTo("contents[0].parts[0].executableCode");
    }

    @Test
    void countTokensTakesEitherShape() throws Exception {
        ChatRequest a = codec.decodeCountTokensRequest(
                "{\"contents\":[{\"parts\":[{\"text\":\"hi\"}]}]}".getBytes(StandardCharsets.UTF_8), "gemini-2.0-flash");
        ChatRequest b = codec.decodeCountTokensRequest("""
                {"generateContentRequest":{"model":"models/gemini-2.0-flash","contents":[{"parts":[{"text":"hi"}]}]}}
                """.getBytes(StandardCharsets.UTF_8), null);
        assertThat(a.messages()).isEqualTo(b.messages()).containsExactly(Message.user("hi"));
        assertThat(b.model()).isEqualTo("gemini-2.0-flash");
        assertThat(new String(codec.encodeCountTokensResponse(31), StandardCharsets.UTF_8))
                .isEqualTo("{\"totalTokens\":31}");
    }

    @Test
    void encodesAMultiTurnToolConversationFromAnotherFamily() throws Exception {
        ObjectNode ext = JSON.createObjectNode();
        ext.putArray("safetySettings").addObject().put("category", "HARM_CATEGORY_HATE_SPEECH")
                .put("threshold", "BLOCK_NONE");
        ext.put("seed", 3);
        ChatRequest r = new ChatRequest("gemini-2.5-flash", List.of(new Part.Text("Be brief.")), List.of(
                new Message(Message.Role.USER, List.of(new Part.Text("Weather in Paris? See"),
                        new Part.Image("https://example.com/sky.png?x=1", null, null),
                        new Part.Image(null, "image/webp", "UklGR"))),
                new Message(Message.Role.ASSISTANT, List.of(new Part.Thinking("Need the tool.", "sig-1"),
                        new Part.ToolCall("toolu_1", "get_weather", "{\"city\":\"Paris\"}"))),
                new Message(Message.Role.USER, List.of(
                        new Part.ToolResult("toolu_1", null, List.of(new Part.Text("18C and sunny")), false)))),
                List.of(new Tool("get_weather", "Weather by city", JSON.readTree("""
                        {"$schema":"http://json-schema.org/draft-07/schema#","type":"object",
                         "properties":{"city":{"type":"string"}},"required":["city"],"additionalProperties":false}"""),
                        true)),
                ToolChoice.REQUIRED, null, 500, 0.5, null, null, List.of("END"),
                new ResponseFormat(ResponseFormat.Type.JSON_OBJECT, null, null, null),
                new ChatRequest.Thinking(null, "low"), true, true, "user-42", ext);

        assertThat(JSON.readTree(codec.encodeRequest(r))).isEqualTo(JSON.readTree("""
                {"contents":[
                  {"role":"user","parts":[{"text":"Weather in Paris? See"},
                    {"fileData":{"mimeType":"image/png","fileUri":"https://example.com/sky.png?x=1"}},
                    {"inlineData":{"mimeType":"image/webp","data":"UklGR"}}]},
                  {"role":"model","parts":[{"text":"Need the tool.","thought":true},
                    {"functionCall":{"name":"get_weather","args":{"city":"Paris"}},"thoughtSignature":"sig-1"}]},
                  {"role":"user","parts":[{"functionResponse":{"name":"get_weather",
                    "response":{"output":"18C and sunny"}}}]}],
                 "systemInstruction":{"parts":[{"text":"Be brief."}]},
                 "tools":[{"functionDeclarations":[{"name":"get_weather","description":"Weather by city",
                   "parametersJsonSchema":{"$schema":"http://json-schema.org/draft-07/schema#","type":"object",
                     "properties":{"city":{"type":"string"}},"required":["city"],"additionalProperties":false}}]}],
                 "toolConfig":{"functionCallingConfig":{"mode":"ANY"}},
                 "safetySettings":[{"category":"HARM_CATEGORY_HATE_SPEECH","threshold":"BLOCK_NONE"}],
                 "generationConfig":{"maxOutputTokens":500,"temperature":0.5,"stopSequences":["END"],
                   "responseMimeType":"application/json",
                   "thinkingConfig":{"thinkingBudget":1024,"includeThoughts":true},"seed":3}}"""));
    }

    @Test
    void aJsonObjectResultIsTheResponseAndAnUnansweredResultIsRefused() throws Exception {
        ChatRequest ok = request(new Message(Message.Role.USER, List.of(
                new Part.ToolResult("c1", "lookup", List.of(new Part.Text("{\"rows\":2}")), false))));
        assertThat(JSON.readTree(codec.encodeRequest(ok)).at("/contents/0/parts/0/functionResponse"))
                .isEqualTo(JSON.readTree("{\"name\":\"lookup\",\"response\":{\"rows\":2}}"));

        ChatRequest orphan = request(new Message(Message.Role.USER, List.of(
                new Part.ToolResult("c9", null, List.of(new Part.Text("x")), true))));
        assertThatThrownBy(() -> codec.encodeRequest(orphan)).isInstanceOf(TranslationException.class)
                .extracting(e -> ((TranslationException) e).param()).isEqualTo("messages[0].content[0].tool_call_id");
    }

    @Test
    void anExtensionGeminiLacksIsRefusedByName() {
        ObjectNode ext = JSON.createObjectNode().put("service_tier", "priority");
        ChatRequest r = new ChatRequest("m", null, List.of(Message.user("hi")), null, null, null, null, null, null,
                null, null, null, null, false, false, null, ext);
        assertThatThrownBy(() -> codec.encodeRequest(r)).isInstanceOf(TranslationException.class)
                .hasMessageContaining("'service_tier'")
                .extracting(e -> ((TranslationException) e).param()).isEqualTo("service_tier");
    }

    private static ChatRequest request(Message m) {
        return new ChatRequest("m", null, List.of(m), null, null, null, null, null, null, null, null, null, null,
                false, false, null, null);
    }

    private ChatRequest decode(String body) throws TranslationException {
        return codec.decodeRequest(body.getBytes(StandardCharsets.UTF_8), "m");
    }
}
