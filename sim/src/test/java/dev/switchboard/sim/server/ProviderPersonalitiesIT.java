package dev.switchboard.sim.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.core.http.StreamResponse;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.RawMessageStreamEvent;
import com.anthropic.models.messages.StopReason;
import com.anthropic.helpers.MessageAccumulator;
import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.core.http.HeaderNames;
import dev.switchboard.providers.ResponseDecoder;
import dev.switchboard.providers.WireCodec;
import dev.switchboard.providers.anthropic.AnthropicCodec;
import dev.switchboard.providers.bedrock.BedrockConverseCodec;
import dev.switchboard.providers.bedrock.InvokeStreamUnwrapper;
import dev.switchboard.providers.chat.ChatError;
import dev.switchboard.providers.chat.FinishReason;
import dev.switchboard.providers.eventstream.EventStreamDecoder;
import dev.switchboard.providers.gemini.GeminiCodec;
import dev.switchboard.sim.SimApi;
import dev.switchboard.sim.SimConfig;
import dev.switchboard.sim.engine.EngineConfig;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The provider personalities over loopback sockets: raw requests whose answers are read back by the same providers
 * codecs' decoders, and the official Anthropic Java SDK.
 */
class ProviderPersonalitiesIT {
    static final String MODEL = SimConfig.DEFAULT_MODEL;
    static final String USER_HI = "[{\"role\":\"user\",\"content\":\"Hello there, simulator\"}]";
    static SimServer server;
    static int port;
    static final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void start() throws Exception {
        server = SimServer.start(SimConfig.defaults().withEndpoints(0, 1)
                .withEngine(EngineConfig.defaults().withTimeScale(0)));
        port = server.addresses().get(0).getPort();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static HttpResponse<byte[]> post(int port, String path, String body, String... headers)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(30)).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (headers.length > 0) {
            b.headers(headers);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    static HttpResponse<byte[]> post(String path, String body, String... headers) throws Exception {
        return post(port, path, body, headers);
    }

    /** Decodes {@code body} with {@code codec}'s own decoder, fed in 7-byte pieces as a network would split it. */
    static EventLog decode(WireCodec codec, boolean stream, byte[] body) {
        EventLog log = new EventLog();
        ResponseDecoder d = codec.responseDecoder(stream, log);
        for (int i = 0; i < body.length; i += 7) {
            d.feed(ByteBuffer.wrap(body, i, Math.min(7, body.length - i)));
        }
        d.end();
        return log;
    }

    static void assertComplete(EventLog log, long inputTokens, int outputTokens, FinishReason finish) {
        assertThat(log.error).isNull();
        assertThat(log.ended).isTrue();
        assertThat(log.text.toString()).isNotBlank();
        assertThat(log.usage.inputTokens()).isEqualTo(inputTokens);
        assertThat(log.usage.outputTokens()).isEqualTo(outputTokens);
        assertThat(log.finish).isEqualTo(finish);
    }

    static long anthropicCount(String messages) throws Exception {
        var res = post("/v1/messages/count_tokens", "{\"model\":\"" + MODEL + "\",\"messages\":" + messages + "}");
        assertThat(res.statusCode()).isEqualTo(200);
        return SimClient.json(new String(res.body(), StandardCharsets.UTF_8)).get("input_tokens").asLong();
    }

    static String messages(boolean stream, int maxTokens) {
        return "{\"model\":\"" + MODEL + "\",\"max_tokens\":" + maxTokens + ",\"stream\":" + stream
                + ",\"messages\":" + USER_HI + "}";
    }

    // --- Anthropic ---

    @Test
    void anthropicMessagesWholeAndStreamedDecodeWithTheAnthropicCodec() throws Exception {
        long input = anthropicCount(USER_HI);
        assertThat(input).isGreaterThan(3);
        var codec = new AnthropicCodec(AnthropicCodec.Flavor.NATIVE, null);

        var whole = post("/v1/messages", messages(false, 6));
        assertThat(whole.statusCode()).isEqualTo(200);
        assertThat(whole.headers().firstValue("content-type")).hasValue("application/json");
        assertComplete(decode(codec, false, whole.body()), input, 6, FinishReason.MAX_TOKENS);

        var streamed = post("/v1/messages", messages(true, 6));
        assertThat(streamed.statusCode()).isEqualTo(200);
        assertThat(streamed.headers().firstValue("content-type").orElseThrow()).startsWith("text/event-stream");
        String sse = new String(streamed.body(), StandardCharsets.UTF_8);
        assertThat(sse).startsWith("event: message_start").contains("event: content_block_delta")
                .contains("event: message_stop");
        EventLog log = decode(codec, true, streamed.body());
        assertComplete(log, input, 6, FinishReason.MAX_TOKENS);
        assertThat(log.textDeltas).isEqualTo(6);
        // the same seed, the same words
        assertThat(log.text.toString()).isEqualTo(decode(codec, false, whole.body()).text.toString());
    }

    @Test
    void anthropicSdkCreatesAndStreams() throws Exception {
        AnthropicClient anthropic = AnthropicOkHttpClient.builder().baseUrl("http://127.0.0.1:" + port).apiKey("x")
                .maxRetries(0).build();
        try {
            MessageCreateParams params = MessageCreateParams.builder().model(MODEL).maxTokens(5)
                    .addUserMessage("Hello there, simulator").build();
            Message m = anthropic.messages().create(params);
            assertThat(m.stopReason()).contains(StopReason.MAX_TOKENS);
            assertThat(m.usage().outputTokens()).isEqualTo(5);
            assertThat(m.usage().inputTokens()).isEqualTo(anthropicCount(USER_HI));
            assertThat(m.content()).hasSize(1);
            assertThat(m.content().get(0).text().orElseThrow().text()).isNotBlank();

            MessageAccumulator acc = MessageAccumulator.create();
            List<RawMessageStreamEvent> events = new ArrayList<>();
            try (StreamResponse<RawMessageStreamEvent> s = anthropic.messages().createStreaming(params)) {
                s.stream().forEach(e -> {
                    events.add(e);
                    acc.accumulate(e);
                });
            }
            Message streamed = acc.message();
            assertThat(events.getFirst().isMessageStart()).isTrue();
            assertThat(events.getLast().isMessageStop()).isTrue();
            assertThat(streamed.stopReason()).contains(StopReason.MAX_TOKENS);
            assertThat(streamed.usage().outputTokens()).isEqualTo(5);
            assertThat(streamed.content().get(0).text().orElseThrow().text())
                    .isEqualTo(m.content().get(0).text().orElseThrow().text());
        } finally {
            anthropic.close();
        }
    }

    @Test
    void claudeOnVertexRawPredictAndStreamRawPredict() throws Exception {
        var codec = new AnthropicCodec(AnthropicCodec.Flavor.VERTEX, null);
        String path = "/v1/projects/p1/locations/us-east5/publishers/anthropic/models/" + MODEL;
        String body = "{\"anthropic_version\":\"vertex-2023-10-16\",\"max_tokens\":4,\"messages\":" + USER_HI + "}";
        long input = anthropicCount(USER_HI);
        var whole = post(path + ":rawPredict", body);
        assertThat(whole.statusCode()).isEqualTo(200);
        assertComplete(decode(codec, false, whole.body()), input, 4, FinishReason.MAX_TOKENS);
        var streamed = post(path + ":streamRawPredict", body.replace("{", "{\"stream\":true,"));
        assertThat(streamed.statusCode()).isEqualTo(200);
        assertComplete(decode(codec, true, streamed.body()), input, 4, FinishReason.MAX_TOKENS);
    }

    @Test
    void claudeOnBedrockInvokeAndEventStreamOfChunks() throws Exception {
        var codec = new AnthropicCodec(AnthropicCodec.Flavor.BEDROCK, null);
        String body = "{\"anthropic_version\":\"bedrock-2023-05-31\",\"max_tokens\":4,\"messages\":" + USER_HI + "}";
        long input = anthropicCount(USER_HI);
        var whole = post("/model/" + MODEL + "/invoke", body);
        assertThat(whole.statusCode()).isEqualTo(200);
        assertComplete(decode(codec, false, whole.body()), input, 4, FinishReason.MAX_TOKENS);

        var streamed = post("/model/" + MODEL + "/invoke-with-response-stream", body);
        assertThat(streamed.statusCode()).isEqualTo(200);
        assertThat(streamed.headers().firstValue("content-type")).hasValue(BedrockConverseCodec.EVENT_STREAM);
        List<String> frameTypes = frameTypes(streamed.body());
        assertThat(frameTypes).isNotEmpty().allMatch("event/chunk"::equals);
        EventLog log = new EventLog();
        var events = codec.streamEventDecoder(log);
        var unwrap = new InvokeStreamUnwrapper(new InvokeStreamUnwrapper.Listener() {
            @Override
            public void onEvent(byte[] json, int offset, int length) {
                events.onEvent(null, json, offset, length);
            }

            @Override
            public void onError(ChatError error) {
                log.error(error);
            }
        });
        unwrap.feed(ByteBuffer.wrap(streamed.body()));
        events.end();
        assertThat(unwrap.pending()).isFalse();
        assertComplete(log, input, 4, FinishReason.MAX_TOKENS);
        assertThat(frameTypes).hasSize(2 + 1 + 4 + 1 + 2); // message_start, block start, 4 deltas, block stop, delta, stop
    }

    /** Each frame's {@code :message-type/:event-type}, read with the providers' own event-stream decoder. */
    static List<String> frameTypes(byte[] body) {
        List<String> types = new ArrayList<>();
        EventStreamDecoder frames = new EventStreamDecoder(new EventStreamDecoder.Listener() {
            @Override
            public void onMessage(String messageType, String type, byte[] payload, int offset, int length) {
                types.add(messageType + "/" + type);
            }

            @Override
            public void onError(String code, String message) {
                types.add("error/" + code);
            }
        });
        frames.feed(ByteBuffer.wrap(body));
        assertThat(frames.pending()).isFalse();
        return types;
    }

    // --- Gemini ---

    static final String GEMINI_BODY = "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"Hello there, simulator\"}]}],"
            + "\"generationConfig\":{\"maxOutputTokens\":5}}";

    @Test
    void geminiGenerateStreamAndCountTokens() throws Exception {
        var codec = new GeminiCodec();
        var count = post("/v1beta/models/" + MODEL + ":countTokens", GEMINI_BODY.replace(",\"generationConfig\":{\"maxOutputTokens\":5}", ""));
        assertThat(count.statusCode()).isEqualTo(200);
        long input = SimClient.json(new String(count.body(), StandardCharsets.UTF_8)).get("totalTokens").asLong();
        assertThat(input).isEqualTo(anthropicCount(USER_HI)); // one chat template for every API

        var whole = post("/v1beta/models/" + MODEL + ":generateContent", GEMINI_BODY);
        assertThat(whole.statusCode()).isEqualTo(200);
        assertComplete(decode(codec, false, whole.body()), input, 5, FinishReason.MAX_TOKENS);

        var streamed = post("/v1beta/models/" + MODEL + ":streamGenerateContent?alt=sse", GEMINI_BODY);
        assertThat(streamed.statusCode()).isEqualTo(200);
        assertThat(streamed.headers().firstValue("content-type").orElseThrow()).startsWith("text/event-stream");
        EventLog log = decode(codec, true, streamed.body());
        assertComplete(log, input, 5, FinishReason.MAX_TOKENS);
        assertThat(log.textDeltas).isEqualTo(5);

        var vertex = post("/v1/projects/p1/locations/us-central1/publishers/google/models/" + MODEL
                + ":streamGenerateContent?alt=sse", GEMINI_BODY);
        assertThat(vertex.statusCode()).isEqualTo(200);
        assertComplete(decode(codec, true, vertex.body()), input, 5, FinishReason.MAX_TOKENS);
        var vertexWhole = post("/v1/projects/p1/locations/us-central1/publishers/google/models/" + MODEL
                + ":generateContent", GEMINI_BODY);
        assertComplete(decode(codec, false, vertexWhole.body()), input, 5, FinishReason.MAX_TOKENS);
    }

    // --- Bedrock Converse ---

    static final String CONVERSE_BODY = "{\"messages\":[{\"role\":\"user\",\"content\":[{\"text\":\"Hello there, simulator\"}]}],"
            + "\"inferenceConfig\":{\"maxTokens\":3}}";

    @Test
    void bedrockConverseAndConverseStream() throws Exception {
        var codec = new BedrockConverseCodec();
        long input = anthropicCount(USER_HI);
        var whole = post("/model/" + MODEL + "/converse", CONVERSE_BODY);
        assertThat(whole.statusCode()).isEqualTo(200);
        assertComplete(decode(codec, false, whole.body()), input, 3, FinishReason.MAX_TOKENS);

        var streamed = post("/model/" + MODEL + "/converse-stream", CONVERSE_BODY);
        assertThat(streamed.statusCode()).isEqualTo(200);
        assertThat(streamed.headers().firstValue("content-type")).hasValue(BedrockConverseCodec.EVENT_STREAM);
        assertThat(frameTypes(streamed.body())).containsExactly("event/messageStart",
                "event/contentBlockDelta", "event/contentBlockDelta", "event/contentBlockDelta",
                "event/contentBlockStop", "event/messageStop", "event/metadata");
        assertComplete(decode(codec, true, streamed.body()), input, 3, FinishReason.MAX_TOKENS);
    }

    // --- tools ---

    static final String WEATHER_TOOL = "{\"name\":\"get_weather\",\"description\":\"Weather at a place\","
            + "\"input_schema\":{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"},"
            + "\"days\":{\"type\":\"integer\"}},\"required\":[\"city\",\"days\"]}}";

    @Test
    void aToolCallTurnThenTextAfterTheToolResult() throws Exception {
        var codec = new AnthropicCodec(AnthropicCodec.Flavor.NATIVE, null);
        String first = "{\"model\":\"" + MODEL + "\",\"max_tokens\":64,\"stream\":true,\"tools\":[" + WEATHER_TOOL
                + "],\"messages\":[{\"role\":\"user\",\"content\":\"Please call get_weather for Paris\"}]}";
        EventLog call = decode(codec, true, post("/v1/messages", first).body());
        assertThat(call.error).isNull();
        assertThat(call.toolCalls).containsExactly("0:get_weather:true");
        assertThat(SimClient.json(call.toolArguments.toString())).isEqualTo(SimClient.json("{\"city\":\"x\"}"));
        assertThat(call.finish).isEqualTo(FinishReason.TOOL_USE);
        assertThat(call.text.toString()).isEmpty();
        assertThat(call.usage.outputTokens()).isPositive();

        String second = "{\"model\":\"" + MODEL + "\",\"max_tokens\":4,\"tools\":[" + WEATHER_TOOL + "],\"messages\":["
                + "{\"role\":\"user\",\"content\":\"Please call get_weather for Paris\"},"
                + "{\"role\":\"assistant\",\"content\":[{\"type\":\"tool_use\",\"id\":\"toolu_1\",\"name\":\"get_weather\",\"input\":{\"city\":\"x\"}}]},"
                + "{\"role\":\"user\",\"content\":[{\"type\":\"tool_result\",\"tool_use_id\":\"toolu_1\",\"content\":\"sunny\"}]}]}";
        EventLog answer = decode(codec, false, post("/v1/messages", second).body());
        assertThat(answer.toolCalls).isEmpty();
        assertThat(answer.text.toString()).isNotBlank();
        assertThat(answer.finish).isEqualTo(FinishReason.MAX_TOKENS);
    }

    @Test
    void aRequiredToolChoiceIsACallInConverseToo() throws Exception {
        String body = "{\"messages\":[{\"role\":\"user\",\"content\":[{\"text\":\"What is the weather?\"}]}],"
                + "\"toolConfig\":{\"tools\":[{\"toolSpec\":{\"name\":\"get_weather\",\"inputSchema\":{\"json\":"
                + "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}},\"required\":[\"city\"]}}}}],"
                + "\"toolChoice\":{\"any\":{}}}}";
        EventLog log = decode(new BedrockConverseCodec(), true, post("/model/" + MODEL + "/converse-stream", body).body());
        assertThat(log.error).isNull();
        assertThat(log.toolCalls).containsExactly("0:get_weather:true");
        assertThat(SimClient.json(log.toolArguments.toString())).isEqualTo(SimClient.json("{\"city\":\"x\"}"));
        assertThat(log.finish).isEqualTo(FinishReason.TOOL_USE);
    }

    // --- errors ---

    @Test
    void injected429InEachProvidersShape() throws Exception {
        String fail = HeaderNames.SIM_FAIL;
        var anthropic = post("/v1/messages", messages(false, 4), fail, "429");
        assertThat(anthropic.statusCode()).isEqualTo(429);
        JsonNode a = SimClient.json(new String(anthropic.body(), StandardCharsets.UTF_8));
        assertThat(a.get("type").asText()).isEqualTo("error");
        assertThat(a.at("/error/type").asText()).isEqualTo("rate_limit_error");
        assertThat(new AnthropicCodec(AnthropicCodec.Flavor.NATIVE, null).decodeError(429, anthropic.body()).kind())
                .isEqualTo(ChatError.Kind.RATE_LIMIT);

        var gemini = post("/v1beta/models/" + MODEL + ":streamGenerateContent?alt=sse", GEMINI_BODY, fail, "429");
        assertThat(gemini.statusCode()).isEqualTo(429);
        JsonNode g = SimClient.json(new String(gemini.body(), StandardCharsets.UTF_8));
        assertThat(g.at("/error/code").asInt()).isEqualTo(429);
        assertThat(g.at("/error/status").asText()).isEqualTo("RESOURCE_EXHAUSTED");
        assertThat(new GeminiCodec().decodeError(429, gemini.body()).message()).contains("Injected failure");

        var bedrock = post("/model/" + MODEL + "/converse-stream", CONVERSE_BODY, fail, "429");
        assertThat(bedrock.statusCode()).isEqualTo(429);
        assertThat(bedrock.headers().firstValue("x-amzn-ErrorType")).hasValue("ThrottlingException");
        assertThat(SimClient.json(new String(bedrock.body(), StandardCharsets.UTF_8)).get("message").asText())
                .contains("Injected failure");

        var invoke = post("/model/" + MODEL + "/invoke", "{\"max_tokens\":4,\"messages\":" + USER_HI + "}", fail, "503");
        assertThat(invoke.statusCode()).isEqualTo(503);
        assertThat(invoke.headers().firstValue("x-amzn-ErrorType")).hasValue("ServiceUnavailableException");
    }

    @Test
    void badBodiesAndUnknownModelsInTheProvidersShape() throws Exception {
        var noMax = post("/v1/messages", "{\"model\":\"" + MODEL + "\",\"messages\":" + USER_HI + "}");
        assertThat(noMax.statusCode()).isEqualTo(400);
        assertThat(SimClient.json(new String(noMax.body(), StandardCharsets.UTF_8)).at("/error/type").asText())
                .isEqualTo("invalid_request_error");
        var unknown = post("/v1beta/models/gemini-9:generateContent", GEMINI_BODY);
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(SimClient.json(new String(unknown.body(), StandardCharsets.UTF_8)).at("/error/status").asText())
                .isEqualTo("NOT_FOUND");
        var notJson = post("/model/" + MODEL + "/converse", "{not json");
        assertThat(notJson.statusCode()).isEqualTo(400);
        assertThat(notJson.headers().firstValue("x-amzn-ErrorType")).hasValue("ValidationException");
    }

    @Test
    void anInjectedResetCutsTheStream() throws Exception {
        var codec = new AnthropicCodec(AnthropicCodec.Flavor.NATIVE, null);
        byte[] got;
        try {
            got = post("/v1/messages", messages(true, 32), HeaderNames.SIM_FAIL, "reset").body();
        } catch (IOException e) {
            return; // the client saw the reset itself
        }
        EventLog log = decode(codec, true, got);
        assertThat(log.ended).isFalse();
        assertThat(log.error).isNotNull();
    }

    @Test
    void apiRestrictsThePersonalitiesAndAnswersOthersIn404OfTheirShape() throws Exception {
        try (SimServer only = SimServer.start(SimConfig.defaults().withEndpoints(0, 1)
                .withEngine(EngineConfig.defaults().withTimeScale(0)).withApis(EnumSet.of(SimApi.GEMINI)))) {
            int p = only.addresses().get(0).getPort();
            assertThat(post(p, "/v1beta/models/" + MODEL + ":generateContent", GEMINI_BODY).statusCode()).isEqualTo(200);
            var anthropic = post(p, "/v1/messages", messages(false, 4));
            assertThat(anthropic.statusCode()).isEqualTo(404);
            assertThat(SimClient.json(new String(anthropic.body(), StandardCharsets.UTF_8)).at("/error/type").asText())
                    .isEqualTo("not_found_error");
            var converse = post(p, "/model/" + MODEL + "/converse", CONVERSE_BODY);
            assertThat(converse.statusCode()).isEqualTo(404);
            assertThat(converse.headers().firstValue("x-amzn-ErrorType")).hasValue("ResourceNotFoundException");
            var openai = post(p, "/v1/chat/completions", SimClient.chat(MODEL, "hi", 4, false));
            assertThat(openai.statusCode()).isEqualTo(404);
            assertThat(SimClient.json(new String(openai.body(), StandardCharsets.UTF_8)).at("/error/code").asText())
                    .isEqualTo("unknown_url");
        }
    }
}
