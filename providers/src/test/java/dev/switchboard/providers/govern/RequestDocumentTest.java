package dev.switchboard.providers.govern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.core.model.ApproxTokenizer;
import dev.switchboard.providers.ClientApi;
import dev.switchboard.providers.TranslationException;
import dev.switchboard.providers.govern.RequestDocument.Role;
import dev.switchboard.providers.govern.RequestDocument.Text;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/** Each API's prompt texts, their replacement in place, the output bound and the usage request. */
class RequestDocumentTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static RequestDocument parse(ClientApi api, String body) throws TranslationException {
        return RequestDocument.parse(api, body.getBytes(StandardCharsets.UTF_8));
    }

    private static final String CHAT = """
            {"model": "m", "temperature": 0.2,
             "messages": [
               {"role": "system", "content": "Be brief."},
               {"role": "developer", "content": [{"type": "text", "text": "No jokes."}]},
               {"role": "user", "content": [{"type": "text", "text": "Weather in"},
                                            {"type": "image_url", "image_url": {"url": "https://x/y.png"}},
                                            {"type": "text", "text": "Paris?"}]},
               {"role": "assistant", "content": null, "tool_calls": [{"id": "c1", "type": "function",
                 "function": {"name": "get_weather", "arguments": "{\\"city\\":\\"Paris\\"}"}}]},
               {"role": "tool", "tool_call_id": "c1", "content": "14C"},
               {"role": "assistant", "content": "It is 14C."}
             ],
             "tools": [{"type": "function", "function": {"name": "get_weather", "description": "Weather now.",
                        "parameters": {"type": "object", "properties": {"city": {"type": "string"}}}}}]}
            """;

    @Test
    void openAiChatTextsInOrderWithTheirRoles() throws Exception {
        assertThat(parse(ClientApi.OPENAI_CHAT, CHAT).texts()).containsExactly(new Text(Role.SYSTEM, "Be brief."),
                new Text(Role.SYSTEM, "No jokes."), new Text(Role.USER, "Weather in"), new Text(Role.USER, "Paris?"),
                new Text(Role.TOOL, "14C"), new Text(Role.ASSISTANT, "It is 14C."));
    }

    @Test
    void promptTokensCountTextsToolCallsAndToolDefinitions() throws Exception {
        RequestDocument doc = parse(ClientApi.OPENAI_CHAT, CHAT);
        long texts = doc.texts().stream().mapToLong(t -> ApproxTokenizer.count(t.text())).sum();
        long others = ApproxTokenizer.count("get_weather") * 2 + ApproxTokenizer.count("{\"city\":\"Paris\"}")
                + ApproxTokenizer.count("Weather now.")
                + ApproxTokenizer.count("{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}}}");
        assertThat(doc.promptTokens()).isEqualTo(texts + others);
        doc.replaceTexts(doc.texts().stream().map(t -> "").toList());
        assertThat(doc.promptTokens()).as("counted from the texts as they are now").isEqualTo(others);
    }

    @Test
    void replacedTextsAreWrittenInPlaceAndTheRestIsKept() throws Exception {
        RequestDocument doc = parse(ClientApi.OPENAI_CHAT, CHAT);
        assertThat(doc.bytes()).isEqualTo(CHAT.getBytes(StandardCharsets.UTF_8));
        List<String> texts = new ArrayList<>(doc.texts().stream().map(Text::text).toList());
        doc.replaceTexts(texts);
        assertThat(doc.edited()).as("nothing changed").isFalse();
        texts.set(3, "[REDACTED]");
        texts.set(4, "15C");
        doc.replaceTexts(texts);
        assertThat(doc.edited()).isTrue();
        assertThat(doc.texts().get(3)).isEqualTo(new Text(Role.USER, "[REDACTED]"));

        JsonNode expected = JSON.readTree(CHAT);
        ((ObjectNode) expected.at("/messages/2/content/2")).put("text", "[REDACTED]");
        ((ObjectNode) expected.at("/messages/4")).put("content", "15C");
        JsonNode written = JSON.readTree(doc.bytes());
        assertThat(written).isEqualTo(expected);
        assertThat(written.fieldNames()).toIterable().containsExactly("model", "temperature", "messages",
                "tools");
        assertThatThrownBy(() -> doc.replaceTexts(List.of("one"))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void mediaPartsAreCountedAsWhatTheTokenCountMisses() throws Exception {
        assertThat(parse(ClientApi.OPENAI_CHAT, CHAT).mediaParts()).as("its one image_url part").isEqualTo(1);
        assertThat(parse(ClientApi.OPENAI_CHAT, """
                {"model": "m", "messages": [{"role": "user", "content": "Hi"}]}""").mediaParts()).isZero();
        assertThat(parse(ClientApi.OPENAI_CHAT, """
                {"model": "m", "messages": [{"role": "user", "content": [{"type": "text", "text": "What is this?"},
                  {"type": "image_url", "image_url": {"url": "https://example.com/a.png"}}]}]}""").mediaParts())
                .isEqualTo(1);
        assertThat(parse(ClientApi.ANTHROPIC_MESSAGES, """
                {"model": "m", "max_tokens": 10, "messages": [{"role": "user", "content": [
                  {"type": "image", "source": {"type": "base64", "media_type": "image/png", "data": "AAAA"}},
                  {"type": "document", "source": {"type": "text", "media_type": "text/plain", "data": "x"}},
                  {"type": "text", "text": "Compare."}]}]}""").mediaParts()).isEqualTo(2);
        assertThat(parse(ClientApi.GEMINI_GENERATE, """
                {"contents": [{"role": "user", "parts": [{"text": "Describe"},
                  {"inlineData": {"mimeType": "image/png", "data": "AAAA"}}]}]}""").mediaParts()).isEqualTo(1);
    }

    @Test
    void completionsAndEmbeddingsReadStringsButNotTokenIds() throws Exception {
        assertThat(parse(ClientApi.OPENAI_COMPLETIONS, "{\"model\":\"m\",\"prompt\":[\"a b\",\"c\"]}").texts())
                .containsExactly(new Text(Role.USER, "a b"), new Text(Role.USER, "c"));
        RequestDocument embeddings = parse(ClientApi.OPENAI_EMBEDDINGS, "{\"model\":\"e\",\"input\":\"hello\"}");
        assertThat(embeddings.texts()).containsExactly(new Text(Role.USER, "hello"));
        assertThat(parse(ClientApi.OPENAI_EMBEDDINGS, "{\"model\":\"e\",\"input\":[[1,2,3]]}").texts()).isEmpty();
        RequestDocument ids = parse(ClientApi.OPENAI_COMPLETIONS, "{\"model\":\"m\",\"prompt\":[1,2,3]}");
        assertThat(ids.texts()).isEmpty();
    }

    @Test
    void responsesApiInstructionsItemsAndToolOutputs() throws Exception {
        RequestDocument doc = parse(ClientApi.OPENAI_RESPONSES, """
                {"model": "m", "instructions": "Be brief.",
                 "input": [
                   {"role": "developer", "content": "Metric units."},
                   {"type": "message", "role": "user", "content": [{"type": "input_text", "text": "Paris?"},
                                                                  {"type": "input_image", "image_url": "u"}]},
                   {"type": "function_call", "call_id": "c1", "name": "w", "arguments": "{}"},
                   {"type": "function_call_output", "call_id": "c1", "output": "14C"},
                   {"role": "assistant", "content": [{"type": "output_text", "text": "14C."}]}
                 ]}
                """);
        assertThat(doc.texts()).containsExactly(new Text(Role.SYSTEM, "Be brief."),
                new Text(Role.SYSTEM, "Metric units."), new Text(Role.USER, "Paris?"), new Text(Role.TOOL, "14C"),
                new Text(Role.ASSISTANT, "14C."));
        assertThat(parse(ClientApi.OPENAI_RESPONSES, "{\"model\":\"m\",\"input\":\"hi\"}").texts())
                .containsExactly(new Text(Role.USER, "hi"));
    }

    @Test
    void anthropicSystemMessagesAndToolResults() throws Exception {
        RequestDocument doc = parse(ClientApi.ANTHROPIC_MESSAGES, """
                {"model": "m", "max_tokens": 100,
                 "system": [{"type": "text", "text": "Be brief."}],
                 "messages": [
                   {"role": "user", "content": "Paris?"},
                   {"role": "assistant", "content": [{"type": "text", "text": "Let me look."},
                     {"type": "tool_use", "id": "t1", "name": "w", "input": {"city": "Paris"}}]},
                   {"role": "user", "content": [
                     {"type": "tool_result", "tool_use_id": "t1", "content": "14C"},
                     {"type": "tool_result", "tool_use_id": "t2", "content": [{"type": "text", "text": "dry"}]},
                     {"type": "text", "text": "Thanks."}]}
                 ]}
                """);
        assertThat(doc.texts()).containsExactly(new Text(Role.SYSTEM, "Be brief."), new Text(Role.USER, "Paris?"),
                new Text(Role.ASSISTANT, "Let me look."), new Text(Role.TOOL, "14C"), new Text(Role.TOOL, "dry"),
                new Text(Role.USER, "Thanks."));
        assertThat(parse(ClientApi.ANTHROPIC_MESSAGES, "{\"system\":\"S\",\"messages\":[]}").texts())
                .containsExactly(new Text(Role.SYSTEM, "S"));
    }

    @Test
    void geminiSystemInstructionAndContents() throws Exception {
        String body = """
                {"systemInstruction": {"parts": [{"text": "Be brief."}]},
                 "contents": [
                   {"role": "user", "parts": [{"text": "Paris?"}]},
                   {"role": "model", "parts": [{"functionCall": {"name": "w", "args": {"city": "Paris"}}}]},
                   {"role": "user", "parts": [{"functionResponse": {"name": "w", "response": {"t": "14C"}}}]},
                   {"role": "model", "parts": [{"text": "14C."}]}
                 ]}
                """;
        RequestDocument doc = parse(ClientApi.GEMINI_GENERATE, body);
        assertThat(doc.texts()).containsExactly(new Text(Role.SYSTEM, "Be brief."), new Text(Role.USER, "Paris?"),
                new Text(Role.ASSISTANT, "14C."));
        long texts = doc.texts().stream().mapToLong(t -> ApproxTokenizer.count(t.text())).sum();
        assertThat(doc.promptTokens()).isEqualTo(texts + ApproxTokenizer.count("w")
                + ApproxTokenizer.count("{\"city\":\"Paris\"}") + ApproxTokenizer.count("{\"t\":\"14C\"}"));
        doc.replaceTexts(doc.texts().stream().map(t -> t.text().toUpperCase(Locale.ROOT)).toList());
        assertThat(JSON.readTree(doc.bytes()).at("/contents/3/parts/0/text").asText()).isEqualTo("14C.");
        assertThat(JSON.readTree(doc.bytes()).at("/contents/0/parts/0/text").asText()).isEqualTo("PARIS?");
    }

    @Test
    void outputBoundsAreReadAndWrittenInEachApisField() throws Exception {
        RequestDocument chat = parse(ClientApi.OPENAI_CHAT, "{\"model\":\"m\",\"messages\":[]}");
        assertThat(chat.maxOutputTokens()).isEqualTo(-1);
        chat.setMaxOutputTokens(64);
        assertThat(field(chat, "/max_tokens")).isEqualTo(64); // what OpenAiRequestWriter writes too
        assertThat(JSON.readTree(chat.bytes()).has("max_completion_tokens")).isFalse();
        assertThat(chat.maxOutputTokens()).isEqualTo(64);

        RequestDocument newer = parse(ClientApi.OPENAI_CHAT,
                "{\"max_completion_tokens\":500,\"max_tokens\":900,\"messages\":[]}");
        assertThat(newer.maxOutputTokens()).isEqualTo(500);
        newer.setMaxOutputTokens(100);
        assertThat(field(newer, "/max_completion_tokens")).isEqualTo(100);
        assertThat(field(newer, "/max_tokens")).isEqualTo(100);

        for (Object[] c : new Object[][] {{ClientApi.OPENAI_COMPLETIONS, "{\"max_tokens\":7}", "/max_tokens"},
                {ClientApi.OPENAI_RESPONSES, "{\"max_output_tokens\":7}", "/max_output_tokens"},
                {ClientApi.ANTHROPIC_MESSAGES, "{\"max_tokens\":7}", "/max_tokens"},
                {ClientApi.GEMINI_STREAM_GENERATE, "{\"generationConfig\":{\"maxOutputTokens\":7,\"topK\":3}}",
                        "/generationConfig/maxOutputTokens"}}) {
            RequestDocument doc = parse((ClientApi) c[0], (String) c[1]);
            assertThat(doc.maxOutputTokens()).as("%s", c[0]).isEqualTo(7);
            doc.setMaxOutputTokens(3);
            assertThat(field(doc, (String) c[2])).as("%s", c[0]).isEqualTo(3);
        }
        RequestDocument gemini = parse(ClientApi.GEMINI_GENERATE, "{\"contents\":[]}");
        assertThat(gemini.maxOutputTokens()).isEqualTo(-1);
        gemini.setMaxOutputTokens(9);
        assertThat(field(gemini, "/generationConfig/maxOutputTokens")).isEqualTo(9);
    }

    @Test
    void embeddingsAndTokenCountsGenerateNothing() throws Exception {
        RequestDocument embeddings = parse(ClientApi.OPENAI_EMBEDDINGS, "{\"input\":\"x\"}");
        assertThat(embeddings.generates()).isFalse();
        assertThat(embeddings.maxOutputTokens()).isZero();
        embeddings.setMaxOutputTokens(5);
        assertThat(embeddings.edited()).isFalse();
        assertThat(parse(ClientApi.ANTHROPIC_COUNT_TOKENS, "{\"messages\":[]}").generates()).isFalse();
        assertThat(parse(ClientApi.GEMINI_COUNT_TOKENS, "{\"contents\":[]}").generates()).isFalse();
        assertThat(parse(ClientApi.ANTHROPIC_MESSAGES, "{\"messages\":[]}").generates()).isTrue();
    }

    @Test
    void requestUsageOnlyForAnOpenAiChatStreamThatDidNotAsk() throws Exception {
        RequestDocument stream = parse(ClientApi.OPENAI_CHAT, "{\"stream\":true,\"messages\":[]}");
        assertThat(stream.requestUsage()).isTrue();
        assertThat(JSON.readTree(stream.bytes()).at("/stream_options/include_usage").asBoolean()).isTrue();
        assertThat(stream.requestUsage()).as("asked already").isFalse();

        RequestDocument other = parse(ClientApi.OPENAI_CHAT,
                "{\"stream\":true,\"stream_options\":{\"include_obfuscation\":false},\"messages\":[]}");
        assertThat(other.requestUsage()).isTrue();
        assertThat(JSON.readTree(other.bytes()).get("stream_options")).isEqualTo(
                JSON.readTree("{\"include_obfuscation\":false,\"include_usage\":true}"));

        assertThat(parse(ClientApi.OPENAI_CHAT,
                "{\"stream\":true,\"stream_options\":{\"include_usage\":true},\"messages\":[]}").requestUsage())
                .isFalse();
        RequestDocument whole = parse(ClientApi.OPENAI_CHAT, "{\"messages\":[]}");
        assertThat(whole.requestUsage()).isFalse();
        assertThat(whole.edited()).isFalse();
        assertThat(parse(ClientApi.ANTHROPIC_MESSAGES, "{\"stream\":true,\"messages\":[]}").requestUsage())
                .isFalse();
    }

    @Test
    void badBodiesAreRefusedNamingTheField() {
        assertThat(refused(ClientApi.OPENAI_CHAT, "[1, 2]").getMessage()).contains("not a JSON object");
        assertThat(refused(ClientApi.OPENAI_CHAT, "{not json").getMessage()).contains("not a JSON object");
        assertThat(refused(ClientApi.OPENAI_CHAT, "{\"messages\":{}}").param()).isEqualTo("messages");
        assertThat(refused(ClientApi.OPENAI_CHAT, "{\"messages\":[7]}").param()).isEqualTo("messages[0]");
        assertThat(refused(ClientApi.OPENAI_CHAT, "{\"messages\":[{\"role\":\"user\",\"content\":5}]}").param())
                .isEqualTo("messages[0].content");
        assertThat(refused(ClientApi.OPENAI_CHAT, "{\"max_tokens\":\"ten\",\"messages\":[]}").param())
                .isEqualTo("max_tokens");
        assertThat(refused(ClientApi.OPENAI_EMBEDDINGS, "{\"input\":{}}").param()).isEqualTo("input");
        assertThat(refused(ClientApi.OPENAI_RESPONSES, "{\"input\":5}").param()).isEqualTo("input");
        assertThat(refused(ClientApi.ANTHROPIC_MESSAGES, "{\"system\":1,\"messages\":[]}").param())
                .isEqualTo("system");
        assertThat(refused(ClientApi.ANTHROPIC_MESSAGES, "{\"messages\":\"hi\"}").param()).isEqualTo("messages");
        assertThat(refused(ClientApi.GEMINI_GENERATE, "{\"contents\":[{\"parts\":{}}]}").param())
                .isEqualTo("contents[0].parts");
        assertThat(refused(ClientApi.GEMINI_GENERATE, "{\"generationConfig\":[]}").param())
                .isEqualTo("generationConfig");
    }

    private static TranslationException refused(ClientApi api, String body) {
        TranslationException e = catchThrowableOfType(TranslationException.class, () -> parse(api, body));
        assertThat(e).as(body).isNotNull();
        return e;
    }

    private static long field(RequestDocument doc, String pointer) throws Exception {
        JsonNode v = JSON.readTree(doc.bytes()).at(pointer);
        assertThat(v.isIntegralNumber()).as(pointer).isTrue();
        return v.asLong();
    }
}
