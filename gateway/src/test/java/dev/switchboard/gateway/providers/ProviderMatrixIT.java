package dev.switchboard.gateway.providers;

import dev.switchboard.gateway.ScriptedUpstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.core.http.StreamResponse;
import com.anthropic.errors.RateLimitException;
import com.anthropic.models.messages.ContentBlock;
import com.anthropic.models.messages.ContentBlockParam;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.RawMessageStreamEvent;
import com.anthropic.models.messages.Tool;
import com.anthropic.models.messages.ToolResultBlockParam;
import com.anthropic.models.messages.ToolUseBlockParam;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.errors.OpenAIServiceException;
import com.openai.models.FunctionDefinition;
import com.openai.models.FunctionParameters;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionAssistantMessageParam;
import com.openai.models.chat.completions.ChatCompletionContentPart;
import com.openai.models.chat.completions.ChatCompletionContentPartImage;
import com.openai.models.chat.completions.ChatCompletionContentPartText;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionMessageFunctionToolCall;
import com.openai.models.chat.completions.ChatCompletionToolMessageParam;
import com.sun.net.httpserver.HttpServer;
import dev.switchboard.core.config.ConfigLoader;
import dev.switchboard.gateway.TestConfigs;
import dev.switchboard.gateway.server.GatewayServer;
import dev.switchboard.providers.eventstream.EventStreamEncoder;
import dev.switchboard.providers.wire.ByteSink;
import dev.switchboard.sim.SimConfig;
import dev.switchboard.sim.engine.EngineConfig;
import dev.switchboard.sim.server.SimServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every backend schema behind every client API. Part one: the official OpenAI and Anthropic SDKs and a Gemini-shaped
 * HTTP client, streamed and not, against the simulator's personality for each of the nine schemas (one simulator;
 * one AIServiceBackend per schema; the route picks it by the model {@code m-<schema>}), a plain answer and a
 * two-turn tool call. Part two: scripted upstreams replaying Anthropic's, Gemini's, Bedrock's and Azure OpenAI's
 * documented wire formats, where the exact upstream request (path, headers, body as a JSON tree) is checked for a
 * multi-turn tool conversation with an image, and each provider's own error and a stream cut mid-way reach the SDK as
 * an error. The GCP schemas get their tokens from a local OAuth token endpoint issuing short-lived tokens, so the
 * refresh is exercised too.
 */
class ProviderMatrixIT {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String SIM = SimConfig.DEFAULT_MODEL;
    static final String GEMINI_KEY = "AIzaSy-test-gemini-key";
    static final String AZURE_KEY = "azure-test-key-0123";
    static final String ANTHROPIC_KEY = "sk-ant-test-matrix";
    static final String AZURE_VERSION = "2024-10-21";
    /** A token endpoint's lifetime: short, so the gateway refreshes at half of it during the run. */
    static final int TOKEN_SECONDS = 3;
    static final String SA_EMAIL = "switchboard-it@test-project.iam.gserviceaccount.com";
    /** A 1x1 PNG. */
    static final String PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";
    static final String WEATHER_DESC = "Get the current weather in a given location";
    static final String LOCATION_DESC = "The city and state, e.g. San Francisco, CA";

    /** The nine schemas, Envoy AI Gateway's names. */
    static final List<String> SCHEMAS = List.of("OpenAI", "AzureOpenAI", "AWSOpenAI", "Anthropic", "GCPAnthropic",
            "AWSAnthropic", "GeminiAPI", "GCPVertexAI", "AWSBedrock");

    enum ClientApi { OPENAI, ANTHROPIC, GEMINI }

    /** One tool call as the client saw it; {@code id} is null where the format has none (Gemini). */
    record Call(String id, String name, JsonNode args) {}

    /** What a client got: the text, the finish reason normalized to stop / length / tool, and the tool calls. */
    record Answer(String text, String finish, List<Call> calls) {}

    @TempDir
    static Path dir;
    static SimServer sim;
    static HttpServer tokenEndpoint;
    static final List<String> issuedTokens = new CopyOnWriteArrayList<>();
    static final List<Map<String, String>> tokenGrants = new CopyOnWriteArrayList<>();
    static KeyPair serviceAccountKey;
    static ScriptedUpstream claude;
    static ScriptedUpstream gemini;
    static ScriptedUpstream bedrock;
    static ScriptedUpstream azure;
    static ScriptedUpstream vertex;
    static GatewayServer gateway;
    static String base;
    static AnthropicClient anthropic;
    static OpenAIClient openai;
    static final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        sim = SimServer.start(SimConfig.defaults().withEndpoints(0, 1).withEngine(EngineConfig.defaults().withTimeScale(0)));
        startTokenEndpoint();
        claude = new ScriptedUpstream();
        gemini = new ScriptedUpstream();
        bedrock = new ScriptedUpstream();
        azure = new ScriptedUpstream();
        vertex = new ScriptedUpstream();
        int simPort = sim.addresses().get(0).getPort();

        StringBuilder rules = new StringBuilder();
        List<String> docs = new ArrayList<>();
        docs.add(TestConfigs.gateway(""));
        for (String schema : SCHEMAS) {
            String name = "sim-" + schema.toLowerCase(Locale.ROOT);
            rules.append(rule(model(schema), name, SIM));
            docs.add(backend(name, schema, simPort));
        }
        rules.append(rule("claude-sonnet-4-5", "s-anthropic", null))
                .append(rule("gemini-2.5-flash", "s-gemini", null))
                .append(rule("anthropic.claude-3-5-sonnet-20240620-v1:0", "s-bedrock", null))
                .append(rule("gpt-4o", "s-azure", null))
                .append(rule("gemini-2.0-flash-001", "s-vertex", null));
        docs.add(1, TestConfigs.route(rules.toString()));
        docs.add(backend("s-anthropic", "Anthropic", claude.port()));
        docs.add(backend("s-gemini", "GeminiAPI", gemini.port()));
        docs.add(backend("s-bedrock", "AWSBedrock", bedrock.port()));
        docs.add(backend("s-azure", "AzureOpenAI", azure.port()));
        docs.add(backend("s-vertex", "GCPVertexAI", vertex.port()));

        Path aws = Files.writeString(dir.resolve("aws-credentials"), """
                [default]
                aws_access_key_id = AKIDEXAMPLE
                aws_secret_access_key = wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY
                """);
        docs.add(policy("aws", "[{name: sim-awsopenai}, {name: sim-awsanthropic}, {name: sim-awsbedrock}, {name: s-bedrock}]",
                "AWSCredentials", "awsCredentials: {region: us-east-1, credentialsFile: {file: " + aws + "}}"));
        docs.add(policy("gcp", "[{name: sim-gcpanthropic}, {name: sim-gcpvertexai}, {name: s-vertex}]", "GCPCredentials",
                "gcpCredentials: {projectName: test-project, region: us-central1, credentialsFile: {file: "
                        + writeServiceAccount() + "}}"));
        docs.add(policy("gemini-key", "[{name: s-gemini}]", "APIKey",
                "apiKey: {file: " + Files.writeString(dir.resolve("gemini.key"), GEMINI_KEY + "\n") + "}"));
        docs.add(policy("azure-key", "[{name: s-azure}]", "AzureAPIKey",
                "azureAPIKey: {file: " + Files.writeString(dir.resolve("azure.key"), AZURE_KEY + "\n") + "}"));
        docs.add(policy("claude-key", "[{name: s-anthropic}]", "AnthropicAPIKey",
                "anthropicAPIKey: {file: " + Files.writeString(dir.resolve("claude.key"), ANTHROPIC_KEY + "\n") + "}"));

        gateway = GatewayServer.start(ConfigLoader.parse(TestConfigs.of(docs.toArray(String[]::new)), "matrix.yaml", dir), 1);
        base = "http://127.0.0.1:" + gateway.port();
        anthropic = AnthropicOkHttpClient.builder().baseUrl(base).apiKey("client-key").maxRetries(0)
                .timeout(Duration.ofSeconds(20)).build();
        openai = OpenAIOkHttpClient.builder().baseUrl(base + "/v1").apiKey("client-key").maxRetries(0)
                .timeout(Duration.ofSeconds(20)).build();
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (issuedTokens.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(20); // the first GCP token is fetched in the background
        }
    }

    @AfterAll
    static void stop() throws Exception {
        if (gateway != null) {
            gateway.close();
        }
        for (ScriptedUpstream u : new ScriptedUpstream[] {claude, gemini, bedrock, azure, vertex}) {
            if (u != null) {
                u.close();
            }
        }
        if (tokenEndpoint != null) {
            tokenEndpoint.stop(0);
        }
        sim.close();
    }

    @BeforeEach
    void forgetEarlierExchanges() {
        for (ScriptedUpstream u : new ScriptedUpstream[] {claude, gemini, bedrock, azure, vertex}) {
            u.clear();
        }
    }

    static String model(String schema) {
        return "m-" + schema.toLowerCase(Locale.ROOT);
    }

    static String rule(String model, String backend, String override) {
        return """
                  - name: %2$s
                    matches: [{headers: [{name: x-ai-eg-model, value: "%1$s"}]}]
                    backendRefs: [{name: %2$s%3$s}]
                """.formatted(model, backend, override == null ? "" : ", modelNameOverride: " + override);
    }

    static String backend(String name, String schema, int port) {
        String spec = switch (schema) {
            case "AzureOpenAI" -> "{name: AzureOpenAI, version: " + AZURE_VERSION + "}";
            default -> "{name: " + schema + "}";
        };
        return """
                apiVersion: aigateway.envoyproxy.io/v1beta1
                kind: AIServiceBackend
                metadata: {name: %1$s}
                spec: {schema: %2$s, backendRef: {name: %1$s}}
                ---
                apiVersion: gateway.envoyproxy.io/v1alpha1
                kind: Backend
                metadata: {name: %1$s}
                spec: {endpoints: [{ip: {address: 127.0.0.1, port: %3$d}}]}
                """.formatted(name, spec, port);
    }

    static String policy(String name, String targets, String type, String field) {
        return """
                apiVersion: aigateway.envoyproxy.io/v1beta1
                kind: BackendSecurityPolicy
                metadata: {name: %s}
                spec:
                  targetRefs: %s
                  type: %s
                  %s
                """.formatted(name, targets, type, field);
    }

    /** An OAuth token endpoint (the JWT bearer grant), issuing a new short-lived token on every call. */
    static void startTokenEndpoint() throws Exception {
        tokenEndpoint = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        tokenEndpoint.createContext("/token", ex -> {
            Map<String, String> form = new LinkedHashMap<>();
            for (String kv : new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8).split("&")) {
                int eq = kv.indexOf('=');
                form.put(URLDecoder.decode(kv.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(kv.substring(eq + 1), StandardCharsets.UTF_8));
            }
            tokenGrants.add(form);
            String token = "ya29.test-token-" + (issuedTokens.size() + 1);
            issuedTokens.add(token);
            byte[] out = ("{\"access_token\":\"" + token + "\",\"expires_in\":" + TOKEN_SECONDS
                    + ",\"token_type\":\"Bearer\"}").getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("content-type", "application/json");
            ex.sendResponseHeaders(200, out.length);
            ex.getResponseBody().write(out);
            ex.close();
        });
        tokenEndpoint.start();
    }

    /** A service-account key file as Google issues them, with a fresh RSA key and the local token endpoint. */
    static Path writeServiceAccount() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        serviceAccountKey = g.generateKeyPair();
        String pem = "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                        .encodeToString(serviceAccountKey.getPrivate().getEncoded())
                + "\n-----END PRIVATE KEY-----\n";
        ObjectNode sa = JSON.createObjectNode().put("type", "service_account").put("project_id", "test-project")
                .put("private_key_id", "key-1").put("private_key", pem).put("client_email", SA_EMAIL)
                .put("client_id", "1234567890")
                .put("token_uri", "http://127.0.0.1:" + tokenEndpoint.getAddress().getPort() + "/token");
        return Files.writeString(dir.resolve("service-account.json"), sa.toPrettyString());
    }

    // ---------------------------------------------------------------- part one: every schema, every client, the sim

    static Stream<Arguments> matrix() {
        List<Arguments> all = new ArrayList<>();
        for (String schema : SCHEMAS) {
            for (ClientApi client : ClientApi.values()) {
                all.add(Arguments.of(schema, client, false));
                all.add(Arguments.of(schema, client, true));
            }
        }
        return all.stream();
    }

    @ParameterizedTest(name = "{1} client, stream={2} -> {0} backend")
    @MethodSource("matrix")
    void aPlainQuestionIsAnsweredAtTheTokenCap(String schema, ClientApi client, boolean stream) throws Exception {
        Answer a = ask(client, model(schema), stream, Turn.PLAIN, null);
        assertThat(a.text()).as(a.toString()).isNotBlank();
        assertThat(a.finish()).as(a.toString()).isEqualTo("length");
        assertThat(a.calls()).isEmpty();
    }

    @ParameterizedTest(name = "{1} client, stream={2} -> {0} backend")
    @MethodSource("matrix")
    void aToolIsCalledAndItsResultAnswered(String schema, ClientApi client, boolean stream) throws Exception {
        Answer call = ask(client, model(schema), stream, Turn.CALL_TOOL, null);
        assertThat(call.finish()).as(call.toString()).isEqualTo("tool");
        assertThat(call.calls()).as(call.toString()).hasSize(1);
        Call c = call.calls().get(0);
        assertThat(c.name()).isEqualTo("get_weather");
        assertThat(c.args()).isEqualTo(JSON.readTree("{\"location\":\"x\"}"));
        if (client != ClientApi.GEMINI) {
            assertThat(c.id()).isNotBlank();
        }
        Answer after = ask(client, model(schema), stream, Turn.TOOL_RESULT, c.id() != null ? c.id() : "call_1");
        assertThat(after.calls()).as(after.toString()).isEmpty();
        assertThat(after.text()).as(after.toString()).isNotBlank();
        assertThat(after.finish()).isIn("stop", "length");
    }

    enum Turn { PLAIN, CALL_TOOL, TOOL_RESULT }

    static Answer ask(ClientApi client, String model, boolean stream, Turn turn, String callId) throws Exception {
        return switch (client) {
            case OPENAI -> askOpenAi(model, stream, turn, callId);
            case ANTHROPIC -> askAnthropic(model, stream, turn, callId);
            case GEMINI -> askGemini(model, stream, turn);
        };
    }

    static String finish(String raw, boolean calls) {
        String f = switch (raw == null ? "" : raw) {
            case "stop", "end_turn", "STOP", "stop_sequence" -> "stop";
            case "length", "max_tokens", "MAX_TOKENS" -> "length";
            case "tool_calls", "tool_use" -> "tool";
            default -> raw;
        };
        return calls && "stop".equals(f) && raw.equals("STOP") ? "tool" : f; // Gemini: STOP with function calls
    }

    static final FunctionDefinition WEATHER_FUNCTION = FunctionDefinition.builder().name("get_weather")
            .description(WEATHER_DESC)
            .parameters(FunctionParameters.builder()
                    .putAdditionalProperty("type", JsonValue.from("object"))
                    .putAdditionalProperty("properties", JsonValue.from(Map.of("location",
                            Map.of("type", "string", "description", LOCATION_DESC))))
                    .putAdditionalProperty("required", JsonValue.from(List.of("location")))
                    .build())
            .build();

    static Answer askOpenAi(String model, boolean stream, Turn turn, String callId) throws Exception {
        ChatCompletionCreateParams.Builder b = ChatCompletionCreateParams.builder().model(model);
        if (turn == Turn.PLAIN) {
            b.maxCompletionTokens(5).addUserMessage("Say something.");
        } else {
            b.maxCompletionTokens(12).addFunctionTool(WEATHER_FUNCTION)
                    .addUserMessage("What is the weather in Paris? Please call get_weather.");
        }
        if (turn == Turn.TOOL_RESULT) {
            b.addMessage(ChatCompletionAssistantMessageParam.builder().addToolCall(
                    ChatCompletionMessageFunctionToolCall.builder().id(callId).function(
                            ChatCompletionMessageFunctionToolCall.Function.builder().name("get_weather")
                                    .arguments("{\"location\":\"x\"}").build()).build()).build());
            b.addMessage(ChatCompletionToolMessageParam.builder().toolCallId(callId).content("15 degrees, sunny").build());
        }
        if (!stream) {
            ChatCompletion c = openai.chat().completions().create(b.build());
            ChatCompletion.Choice choice = c.choices().get(0);
            List<Call> calls = new ArrayList<>();
            for (var tc : choice.message().toolCalls().orElse(List.of())) {
                var f = tc.asFunction();
                calls.add(new Call(f.id(), f.function().name(), JSON.readTree(f.function().arguments())));
            }
            return new Answer(choice.message().content().orElse(""),
                    finish(choice.finishReason().asString(), !calls.isEmpty()), calls);
        }
        StringBuilder text = new StringBuilder();
        Map<Long, String[]> calls = new TreeMap<>(); // index -> id, name, arguments
        String[] finish = {null};
        try (var s = openai.chat().completions().createStreaming(b.build())) {
            s.stream().forEach(ch -> ch.choices().forEach(x -> {
                x.delta().content().ifPresent(text::append);
                x.finishReason().ifPresent(f -> finish[0] = f.asString());
                for (var tc : x.delta().toolCalls().orElse(List.of())) {
                    String[] acc = calls.computeIfAbsent(tc.index(), i -> new String[] {null, null, ""});
                    tc.id().ifPresent(id -> acc[0] = id);
                    tc.function().ifPresent(f -> {
                        f.name().ifPresent(n -> acc[1] = n);
                        f.arguments().ifPresent(a -> acc[2] += a);
                    });
                }
            }));
        }
        List<Call> out = new ArrayList<>();
        for (String[] c : calls.values()) {
            out.add(new Call(c[0], c[1], JSON.readTree(c[2])));
        }
        return new Answer(text.toString(), finish(finish[0], !out.isEmpty()), out);
    }

    static final Tool WEATHER_TOOL = Tool.builder().name("get_weather").description(WEATHER_DESC)
            .inputSchema(Tool.InputSchema.builder().properties(Tool.InputSchema.Properties.builder()
                    .putAdditionalProperty("location", com.anthropic.core.JsonValue.from(
                            Map.of("type", "string", "description", LOCATION_DESC))).build())
                    .addRequired("location").build())
            .build();

    static Answer askAnthropic(String model, boolean stream, Turn turn, String callId) throws Exception {
        MessageCreateParams.Builder b = MessageCreateParams.builder().model(model);
        if (turn == Turn.PLAIN) {
            b.maxTokens(5).addUserMessage("Say something.");
        } else {
            b.maxTokens(12).addTool(WEATHER_TOOL).addUserMessage("What is the weather in Paris? Please call get_weather.");
        }
        if (turn == Turn.TOOL_RESULT) {
            b.addAssistantMessageOfContentBlockParams(List.of(ContentBlockParam.ofToolUse(ToolUseBlockParam.builder()
                    .id(callId).name("get_weather").input(ToolUseBlockParam.Input.builder()
                            .putAdditionalProperty("location", com.anthropic.core.JsonValue.from("x")).build())
                    .build())));
            b.addUserMessageOfContentBlockParams(List.of(ContentBlockParam.ofToolResult(ToolResultBlockParam.builder()
                    .toolUseId(callId).content("15 degrees, sunny").build())));
        }
        if (!stream) {
            Message m = anthropic.messages().create(b.build());
            StringBuilder text = new StringBuilder();
            List<Call> calls = new ArrayList<>();
            for (ContentBlock block : m.content()) {
                block.text().ifPresent(t -> text.append(t.text()));
                if (block.toolUse().isPresent()) {
                    var tu = block.toolUse().get();
                    calls.add(new Call(tu.id(), tu.name(), JSON.valueToTree(tu._input())));
                }
            }
            return new Answer(text.toString(), finish(m.stopReason().map(r -> r.asString()).orElse(null),
                    !calls.isEmpty()), calls);
        }
        StringBuilder text = new StringBuilder();
        Map<Long, String[]> calls = new TreeMap<>();
        String[] finish = {null};
        boolean[] stopped = {false};
        try (StreamResponse<RawMessageStreamEvent> s = anthropic.messages().createStreaming(b.build())) {
            s.stream().forEach(e -> {
                e.contentBlockStart().ifPresent(st -> st.contentBlock().toolUse().ifPresent(tu ->
                        calls.put(st.index(), new String[] {tu.id(), tu.name(), ""})));
                e.contentBlockDelta().ifPresent(d -> {
                    d.delta().text().ifPresent(t -> text.append(t.text()));
                    d.delta().inputJson().ifPresent(j -> calls.get(d.index())[2] += j.partialJson());
                });
                e.messageDelta().ifPresent(md -> md.delta().stopReason().ifPresent(r -> finish[0] = r.asString()));
                if (e.isMessageStop()) {
                    stopped[0] = true;
                }
            });
        }
        assertThat(stopped[0]).as("message_stop").isTrue();
        List<Call> out = new ArrayList<>();
        for (String[] c : calls.values()) {
            out.add(new Call(c[0], c[1], JSON.readTree(c[2].isEmpty() ? "{}" : c[2])));
        }
        return new Answer(text.toString(), finish(finish[0], !out.isEmpty()), out);
    }

    static final String GEMINI_TOOLS = """
            [{"functionDeclarations":[{"name":"get_weather","description":"%s","parameters":{"type":"object",
              "properties":{"location":{"type":"string","description":"%s"}},"required":["location"]}}]}]"""
            .formatted(WEATHER_DESC, LOCATION_DESC);

    static Answer askGemini(String model, boolean stream, Turn turn) throws Exception {
        String body = switch (turn) {
            case PLAIN -> """
                    {"contents":[{"role":"user","parts":[{"text":"Say something."}]}],
                     "generationConfig":{"maxOutputTokens":5}}""";
            case CALL_TOOL -> """
                    {"contents":[{"role":"user","parts":[{"text":"What is the weather in Paris? Please call get_weather."}]}],
                     "tools":%s,"generationConfig":{"maxOutputTokens":12}}""".formatted(GEMINI_TOOLS);
            case TOOL_RESULT -> """
                    {"contents":[{"role":"user","parts":[{"text":"What is the weather in Paris? Please call get_weather."}]},
                      {"role":"model","parts":[{"functionCall":{"name":"get_weather","args":{"location":"x"}}}]},
                      {"role":"user","parts":[{"functionResponse":{"name":"get_weather",
                        "response":{"output":"15 degrees, sunny"}}}]}],
                     "tools":%s,"generationConfig":{"maxOutputTokens":12}}""".formatted(GEMINI_TOOLS);
        };
        HttpResponse<String> r = gemini(model, stream, body);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        List<JsonNode> chunks = new ArrayList<>();
        if (stream) {
            assertThat(r.headers().firstValue("content-type").orElse("")).startsWith("text/event-stream");
            for (String line : r.body().split("\r?\n")) {
                if (line.startsWith("data: ")) {
                    chunks.add(JSON.readTree(line.substring(6)));
                }
            }
        } else {
            chunks.add(JSON.readTree(r.body()));
        }
        StringBuilder text = new StringBuilder();
        List<Call> calls = new ArrayList<>();
        String finish = null;
        for (JsonNode chunk : chunks) {
            assertThat(chunk.has("error")).as(chunk.toString()).isFalse();
            JsonNode cand = chunk.path("candidates").path(0);
            for (JsonNode part : cand.path("content").path("parts")) {
                if (part.has("text")) {
                    text.append(part.get("text").asText());
                }
                if (part.has("functionCall")) {
                    JsonNode fc = part.get("functionCall");
                    calls.add(new Call(fc.hasNonNull("id") ? fc.get("id").asText() : null, fc.path("name").asText(),
                            fc.path("args")));
                }
            }
            if (cand.hasNonNull("finishReason")) {
                finish = cand.get("finishReason").asText();
            }
        }
        return new Answer(text.toString(), finish(finish, !calls.isEmpty()), calls);
    }

    static HttpResponse<String> gemini(String model, boolean stream, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(base + "/v1beta/models/" + model
                        + (stream ? ":streamGenerateContent?alt=sse" : ":generateContent")))
                .header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    // ---------------------------------------------------------------- GCP credentials from a local token endpoint

    @Test
    void vertexIsCalledWithTheTokenFromTheEndpointAndASecondOneOnceTheFirstIsOld() throws Exception {
        String answer = """
                {"candidates":[{"content":{"parts":[{"text":"Hi."}],"role":"model"},"finishReason":"STOP","index":0}],
                 "usageMetadata":{"promptTokenCount":3,"candidatesTokenCount":2,"totalTokenCount":5},
                 "modelVersion":"gemini-2.0-flash-001"}""";
        vertex.reply(ScriptedUpstream.Reply.json(200, answer)).reply(ScriptedUpstream.Reply.json(200, answer));
        Message first = anthropic.messages().create(MessageCreateParams.builder().model("gemini-2.0-flash-001")
                .maxTokens(10).addUserMessage("Hi").build());
        assertThat(first.content().get(0).text().orElseThrow().text()).isEqualTo("Hi.");
        ScriptedUpstream.Seen seen = vertex.next();
        assertThat(seen.pathAndQuery()).isEqualTo(
                "/v1/projects/test-project/locations/us-central1/publishers/google/models/gemini-2.0-flash-001:generateContent");
        String firstAuth = seen.headers().get("authorization");
        assertThat(firstAuth).startsWith("Bearer ya29.test-token-");
        assertThat(issuedTokens).contains(firstAuth.substring("Bearer ".length()));

        // the token lives TOKEN_SECONDS: the gateway fetches a new one at half its life, without a request failing
        int fetched = issuedTokens.size();
        long deadline = System.nanoTime() + Duration.ofSeconds(TOKEN_SECONDS * 2L).toNanos();
        while (issuedTokens.size() <= fetched && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(issuedTokens).hasSizeGreaterThan(fetched);
        anthropic.messages().create(MessageCreateParams.builder().model("gemini-2.0-flash-001")
                .maxTokens(10).addUserMessage("Hi again").build());
        String secondAuth = vertex.next().headers().get("authorization");
        assertThat(secondAuth).isNotEqualTo(firstAuth);
        assertThat(issuedTokens.indexOf(secondAuth.substring("Bearer ".length())))
                .isGreaterThan(issuedTokens.indexOf(firstAuth.substring("Bearer ".length())));

        // each grant is a JWT signed with the account's key, for the token endpoint and the cloud-platform scope
        Map<String, String> grant = tokenGrants.get(tokenGrants.size() - 1);
        assertThat(grant.get("grant_type")).isEqualTo("urn:ietf:params:oauth:grant-type:jwt-bearer");
        String[] jwt = grant.get("assertion").split("\\.");
        assertThat(jwt).hasSize(3);
        Signature rs256 = Signature.getInstance("SHA256withRSA");
        rs256.initVerify(serviceAccountKey.getPublic());
        rs256.update((jwt[0] + "." + jwt[1]).getBytes(StandardCharsets.US_ASCII));
        assertThat(rs256.verify(Base64.getUrlDecoder().decode(jwt[2]))).as("RS256 signature").isTrue();
        JsonNode header = JSON.readTree(Base64.getUrlDecoder().decode(jwt[0]));
        JsonNode claims = JSON.readTree(Base64.getUrlDecoder().decode(jwt[1]));
        assertThat(header.path("alg").asText()).isEqualTo("RS256");
        assertThat(header.path("kid").asText()).isEqualTo("key-1");
        assertThat(claims.path("iss").asText()).isEqualTo(SA_EMAIL);
        assertThat(claims.path("aud").asText()).isEqualTo("http://127.0.0.1:" + tokenEndpoint.getAddress().getPort() + "/token");
        assertThat(claims.path("scope").asText()).isEqualTo("https://www.googleapis.com/auth/cloud-platform");
        assertThat(claims.path("exp").asLong() - claims.path("iat").asLong()).isEqualTo(3600);
    }

    // ---------------------------------------------------------------- part two: scripted upstreams, exact wire formats

    /**
     * The conversation every scripted test sends, through the OpenAI SDK: a user turn with text and a base64 image,
     * the assistant's tool call, and the tool's result.
     */
    static ChatCompletionCreateParams toolConversation(String model, boolean stream) {
        return ChatCompletionCreateParams.builder().model(model).maxCompletionTokens(1024)
                .addFunctionTool(WEATHER_FUNCTION)
                .addUserMessageOfArrayOfContentParts(List.of(
                        ChatCompletionContentPart.ofText(ChatCompletionContentPartText.builder()
                                .text("What is the weather where this photo was taken?").build()),
                        ChatCompletionContentPart.ofImageUrl(ChatCompletionContentPartImage.builder()
                                .imageUrl(ChatCompletionContentPartImage.ImageUrl.builder()
                                        .url("data:image/png;base64," + PNG).build()).build())))
                .addMessage(ChatCompletionAssistantMessageParam.builder().addToolCall(
                        ChatCompletionMessageFunctionToolCall.builder().id("call_abc123").function(
                                ChatCompletionMessageFunctionToolCall.Function.builder().name("get_weather")
                                        .arguments("{\"location\":\"San Francisco, CA\"}").build()).build()).build())
                .addMessage(ChatCompletionToolMessageParam.builder().toolCallId("call_abc123")
                        .content("15 degrees, sunny").build())
                .build();
    }

    static final String INPUT_SCHEMA = """
            {"type":"object","properties":{"location":{"type":"string","description":"%s"}},"required":["location"]}"""
            .formatted(LOCATION_DESC);

    static void assertBody(ScriptedUpstream.Seen seen, String expected) throws Exception {
        JsonNode actual = JSON.readTree(seen.body());
        assertThat(actual).as("upstream body %s", actual.toPrettyString()).isEqualTo(JSON.readTree(expected));
    }

    @Test
    void anthropicGetsTheToolConversationWithTheImageInItsShapeAndItsToolUseReachesTheOpenAiSdk() throws Exception {
        // docs.anthropic.com "Tool use": a response with text and a tool_use block
        claude.reply(ScriptedUpstream.Reply.json(200, """
                {"id":"msg_01Aq9w938a90dw8q","model":"claude-sonnet-4-5","stop_reason":"tool_use","role":"assistant",
                 "type":"message","stop_sequence":null,
                 "content":[{"type":"text","text":"I'll check the forecast too."},
                  {"type":"tool_use","id":"toolu_01A09q90qw90lq917835lq9","name":"get_weather",
                   "input":{"location":"San Francisco, CA","unit":"celsius"}}],
                 "usage":{"input_tokens":472,"output_tokens":91}}"""));
        ChatCompletion c = openai.chat().completions().create(toolConversation("claude-sonnet-4-5", false));
        ScriptedUpstream.Seen seen = claude.next();
        assertThat(seen.method()).isEqualTo("POST");
        assertThat(seen.pathAndQuery()).isEqualTo("/v1/messages");
        assertThat(seen.headers()).containsEntry("x-api-key", ANTHROPIC_KEY)
                .containsEntry("anthropic-version", "2023-06-01").doesNotContainKey("authorization");
        assertThat(seen.headers().get("content-type")).startsWith("application/json");
        assertBody(seen, """
                {"model":"claude-sonnet-4-5","max_tokens":1024,
                 "messages":[
                  {"role":"user","content":[
                    {"type":"text","text":"What is the weather where this photo was taken?"},
                    {"type":"image","source":{"type":"base64","media_type":"image/png","data":"%s"}}]},
                  {"role":"assistant","content":[
                    {"type":"tool_use","id":"call_abc123","name":"get_weather","input":{"location":"San Francisco, CA"}}]},
                  {"role":"user","content":[
                    {"type":"tool_result","tool_use_id":"call_abc123","content":"15 degrees, sunny"}]}],
                 "tools":[{"name":"get_weather","description":"%s","input_schema":%s}]}"""
                .formatted(PNG, WEATHER_DESC, INPUT_SCHEMA));
        ChatCompletion.Choice choice = c.choices().get(0);
        assertThat(choice.finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.TOOL_CALLS);
        assertThat(choice.message().content()).hasValue("I'll check the forecast too.");
        var call = choice.message().toolCalls().orElseThrow().get(0).asFunction();
        assertThat(call.id()).isEqualTo("toolu_01A09q90qw90lq917835lq9");
        assertThat(call.function().name()).isEqualTo("get_weather");
        assertThat(JSON.readTree(call.function().arguments()))
                .isEqualTo(JSON.readTree("{\"location\":\"San Francisco, CA\",\"unit\":\"celsius\"}"));
        assertThat(c.usage().orElseThrow().promptTokens()).isEqualTo(472);
    }

    @Test
    void anAnthropicToolUseStreamReachesTheOpenAiSdkAsToolCallDeltas() throws Exception {
        // docs.anthropic.com "Streaming messages": the tool-use example, byte for byte (abridged deltas)
        claude.reply(ScriptedUpstream.Reply.sse(List.of(
                "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_014p7gG3wDgGV9EUtLvnow3U\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"claude-sonnet-4-5\",\"stop_sequence\":null,\"usage\":{\"input_tokens\":472,\"output_tokens\":2},\"content\":[],\"stop_reason\":null}}\n\n",
                "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n",
                "event: ping\ndata: {\"type\": \"ping\"}\n\n",
                "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"Okay\"}}\n\n",
                "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":0}\n\n",
                "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":1,\"content_block\":{\"type\":\"tool_use\",\"id\":\"toolu_01T1x1fJ34qAmk2tNTrN7Up6\",\"name\":\"get_weather\",\"input\":{}}}\n\n",
                "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":1,\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"\"}}\n\n",
                "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":1,\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"{\\\"location\\\":\"}}\n\n",
                "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":1,\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\" \\\"San Francisco, CA\\\"}\"}}\n\n",
                "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":1}\n\n",
                "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"tool_use\",\"stop_sequence\":null},\"usage\":{\"output_tokens\":89}}\n\n",
                "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n")));
        Answer a = streamOpenAi(toolConversation("claude-sonnet-4-5", true));
        ScriptedUpstream.Seen seen = claude.next();
        assertThat(JSON.readTree(seen.body()).path("stream").asBoolean()).isTrue();
        assertThat(a.text()).isEqualTo("Okay");
        assertThat(a.finish()).isEqualTo("tool");
        assertThat(a.calls()).containsExactly(new Call("toolu_01T1x1fJ34qAmk2tNTrN7Up6", "get_weather",
                JSON.readTree("{\"location\":\"San Francisco, CA\"}")));
    }

    static Answer streamOpenAi(ChatCompletionCreateParams params) throws Exception {
        StringBuilder text = new StringBuilder();
        Map<Long, String[]> calls = new TreeMap<>();
        String[] finish = {null};
        try (var s = openai.chat().completions().createStreaming(params)) {
            s.stream().forEach(ch -> ch.choices().forEach(x -> {
                x.delta().content().ifPresent(text::append);
                x.finishReason().ifPresent(f -> finish[0] = f.asString());
                for (var tc : x.delta().toolCalls().orElse(List.of())) {
                    String[] acc = calls.computeIfAbsent(tc.index(), i -> new String[] {null, null, ""});
                    tc.id().ifPresent(id -> acc[0] = id);
                    tc.function().ifPresent(f -> {
                        f.name().ifPresent(n -> acc[1] = n);
                        f.arguments().ifPresent(arg -> acc[2] += arg);
                    });
                }
            }));
        }
        List<Call> out = new ArrayList<>();
        for (String[] c : calls.values()) {
            out.add(new Call(c[0], c[1], JSON.readTree(c[2])));
        }
        return new Answer(text.toString(), finish(finish[0], !out.isEmpty()), out);
    }

    @Test
    void geminiGetsTheToolConversationWithTheImageInItsShapeAndItsAnswerReachesTheOpenAiSdk() throws Exception {
        // ai.google.dev generateContent response
        gemini.reply(ScriptedUpstream.Reply.json(200, """
                {"candidates":[{"content":{"parts":[{"text":"It is 15 degrees and sunny in San Francisco."}],
                   "role":"model"},"finishReason":"STOP","index":0}],
                 "usageMetadata":{"promptTokenCount":50,"candidatesTokenCount":12,"totalTokenCount":62},
                 "modelVersion":"gemini-2.5-flash","responseId":"abc123"}"""));
        ChatCompletion c = openai.chat().completions().create(toolConversation("gemini-2.5-flash", false));
        ScriptedUpstream.Seen seen = gemini.next();
        assertThat(seen.pathAndQuery()).isEqualTo("/v1beta/models/gemini-2.5-flash:generateContent");
        assertThat(seen.headers()).containsEntry("x-goog-api-key", GEMINI_KEY).doesNotContainKey("authorization");
        assertBody(seen, """
                {"contents":[
                  {"role":"user","parts":[{"text":"What is the weather where this photo was taken?"},
                    {"inlineData":{"mimeType":"image/png","data":"%s"}}]},
                  {"role":"model","parts":[{"functionCall":{"name":"get_weather","args":{"location":"San Francisco, CA"}}}]},
                  {"role":"user","parts":[{"functionResponse":{"name":"get_weather","response":{"output":"15 degrees, sunny"}}}]}],
                 "tools":[{"functionDeclarations":[{"name":"get_weather","description":"%s","parametersJsonSchema":%s}]}],
                 "generationConfig":{"maxOutputTokens":1024}}""".formatted(PNG, WEATHER_DESC, INPUT_SCHEMA));
        ChatCompletion.Choice choice = c.choices().get(0);
        assertThat(choice.message().content()).hasValue("It is 15 degrees and sunny in San Francisco.");
        assertThat(choice.finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.STOP);
        assertThat(c.usage().orElseThrow().promptTokens()).isEqualTo(50);
        assertThat(c.usage().orElseThrow().completionTokens()).isEqualTo(12);
    }

    @Test
    void bedrockGetsTheToolConversationWithTheImageSignedAndItsToolUseReachesTheOpenAiSdk() throws Exception {
        // docs.aws.amazon.com Converse "tool use" response
        bedrock.reply(ScriptedUpstream.Reply.json(200, """
                {"output":{"message":{"role":"assistant","content":[{"toolUse":{"toolUseId":"tooluse_kZJMlvQmRJ6eAyJE5GIl7Q",
                   "name":"get_weather","input":{"location":"Paris"}}}]}},
                 "stopReason":"tool_use","usage":{"inputTokens":375,"outputTokens":16,"totalTokens":391},
                 "metrics":{"latencyMs":1276}}"""));
        ChatCompletion c = openai.chat().completions().create(
                toolConversation("anthropic.claude-3-5-sonnet-20240620-v1:0", false));
        ScriptedUpstream.Seen seen = bedrock.next();
        assertThat(seen.pathAndQuery()).isEqualTo("/model/anthropic.claude-3-5-sonnet-20240620-v1%3A0/converse");
        assertThat(seen.headers().get("authorization")).matches(
                "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/\\d{8}/us-east-1/bedrock/aws4_request, "
                        + "SignedHeaders=[a-z0-9;-]*host[a-z0-9;-]*, Signature=[0-9a-f]{64}");
        assertThat(seen.headers().get("x-amz-date")).matches("\\d{8}T\\d{6}Z");
        assertThat(seen.headers()).containsKey("x-amz-content-sha256");
        assertBody(seen, """
                {"messages":[
                  {"role":"user","content":[{"text":"What is the weather where this photo was taken?"},
                    {"image":{"format":"png","source":{"bytes":"%s"}}}]},
                  {"role":"assistant","content":[{"toolUse":{"toolUseId":"call_abc123","name":"get_weather",
                    "input":{"location":"San Francisco, CA"}}}]},
                  {"role":"user","content":[{"toolResult":{"toolUseId":"call_abc123","content":[{"text":"15 degrees, sunny"}],
                    "status":"success"}}]}],
                 "toolConfig":{"tools":[{"toolSpec":{"name":"get_weather","description":"%s","inputSchema":{"json":%s}}}]},
                 "inferenceConfig":{"maxTokens":1024}}""".formatted(PNG, WEATHER_DESC, INPUT_SCHEMA));
        ChatCompletion.Choice choice = c.choices().get(0);
        assertThat(choice.finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.TOOL_CALLS);
        var call = choice.message().toolCalls().orElseThrow().get(0).asFunction();
        assertThat(call.id()).isEqualTo("tooluse_kZJMlvQmRJ6eAyJE5GIl7Q");
        assertThat(JSON.readTree(call.function().arguments())).isEqualTo(JSON.readTree("{\"location\":\"Paris\"}"));
        assertThat(c.usage().orElseThrow().promptTokens()).isEqualTo(375);
    }

    @Test
    void azureGetsTheOpenAiBodyAtItsDeploymentPathWithItsKey() throws Exception {
        // learn.microsoft.com Azure OpenAI chat completions response with a tool call
        azure.reply(ScriptedUpstream.Reply.json(200, """
                {"id":"chatcmpl-A1","object":"chat.completion","created":1700000000,"model":"gpt-4o-2024-08-06",
                 "choices":[{"index":0,"finish_reason":"tool_calls","message":{"role":"assistant","content":null,
                   "tool_calls":[{"id":"call_Xyz","type":"function","function":{"name":"get_weather",
                     "arguments":"{\\"location\\":\\"Boston, MA\\"}"}}]}}],
                 "usage":{"prompt_tokens":99,"completion_tokens":18,"total_tokens":117}}"""));
        ChatCompletion c = openai.chat().completions().create(toolConversation("gpt-4o", false));
        ScriptedUpstream.Seen seen = azure.next();
        assertThat(seen.pathAndQuery()).isEqualTo("/openai/deployments/gpt-4o/chat/completions?api-version=" + AZURE_VERSION);
        assertThat(seen.headers()).containsEntry("api-key", AZURE_KEY).doesNotContainKey("authorization");
        assertBody(seen, """
                {"model":"gpt-4o","max_completion_tokens":1024,
                 "messages":[
                  {"role":"user","content":[{"type":"text","text":"What is the weather where this photo was taken?"},
                    {"type":"image_url","image_url":{"url":"data:image/png;base64,%s"}}]},
                  {"role":"assistant","tool_calls":[{"id":"call_abc123","type":"function",
                    "function":{"name":"get_weather","arguments":"{\\"location\\":\\"San Francisco, CA\\"}"}}]},
                  {"role":"tool","tool_call_id":"call_abc123","content":"15 degrees, sunny"}],
                 "tools":[{"type":"function","function":{"name":"get_weather","description":"%s","parameters":%s}}]}"""
                .formatted(PNG, WEATHER_DESC, INPUT_SCHEMA));
        var call = c.choices().get(0).message().toolCalls().orElseThrow().get(0).asFunction();
        assertThat(call.id()).isEqualTo("call_Xyz");
        assertThat(JSON.readTree(call.function().arguments())).isEqualTo(JSON.readTree("{\"location\":\"Boston, MA\"}"));
    }

    @Test
    void anAnthropicClientReachesAzureTranslatedToTheOpenAiShape() throws Exception {
        azure.reply(ScriptedUpstream.Reply.json(200, """
                {"id":"chatcmpl-A2","object":"chat.completion","created":1700000000,"model":"gpt-4o-2024-08-06",
                 "choices":[{"index":0,"finish_reason":"stop","message":{"role":"assistant","content":"Hello!"}}],
                 "usage":{"prompt_tokens":9,"completion_tokens":2,"total_tokens":11}}"""));
        Message m = anthropic.messages().create(MessageCreateParams.builder().model("gpt-4o").maxTokens(100)
                .system("Be terse.").addUserMessage("Hello").build());
        ScriptedUpstream.Seen seen = azure.next();
        assertThat(seen.pathAndQuery()).isEqualTo("/openai/deployments/gpt-4o/chat/completions?api-version=" + AZURE_VERSION);
        JsonNode body = JSON.readTree(seen.body());
        assertThat(body.path("messages")).isEqualTo(JSON.readTree("""
                [{"role":"system","content":"Be terse."},{"role":"user","content":"Hello"}]"""));
        assertThat(m.content().get(0).text().orElseThrow().text()).isEqualTo("Hello!");
        assertThat(m.usage().inputTokens()).isEqualTo(9);
    }

    // ---------------------------------------------------------------- errors in the upstream's own shape

    @Test
    void anAnthropicOverloadedErrorReachesTheOpenAiSdkAs529WithItsMessage() {
        claude.reply(ScriptedUpstream.Reply.json(529, """
                {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}"""));
        assertThatThrownBy(() -> openai.chat().completions().create(ChatCompletionCreateParams.builder()
                .model("claude-sonnet-4-5").maxCompletionTokens(10).addUserMessage("hi").build()))
                .isInstanceOfSatisfying(OpenAIServiceException.class, e -> {
                    assertThat(e.statusCode()).isEqualTo(529);
                    assertThat(e.getMessage()).contains("Overloaded");
                });
    }

    @Test
    void aGeminiResourceExhaustedReachesTheAnthropicSdkAsARateLimit() {
        gemini.reply(ScriptedUpstream.Reply.json(429, """
                {"error":{"code":429,"message":"Resource has been exhausted (e.g. check quota).",
                  "status":"RESOURCE_EXHAUSTED"}}"""));
        assertThatThrownBy(() -> anthropic.messages().create(MessageCreateParams.builder().model("gemini-2.5-flash")
                .maxTokens(10).addUserMessage("hi").build()))
                .isInstanceOf(RateLimitException.class).hasMessageContaining("Resource has been exhausted");
    }

    @Test
    void aBedrockThrottlingErrorReachesAGeminiClientInGooglesShape() throws Exception {
        bedrock.reply(new ScriptedUpstream.Reply(429, Map.of("content-type", "application/json",
                "x-amzn-errortype", "ThrottlingException:http://internal.amazon.com/coral/com.amazon.bedrock/"),
                List.of("{\"message\":\"Too many requests, please wait before trying again.\"}"
                        .getBytes(StandardCharsets.UTF_8)), -1));
        HttpResponse<String> r = gemini("anthropic.claude-3-5-sonnet-20240620-v1:0", false,
                "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"hi\"}]}]}");
        assertThat(r.statusCode()).isEqualTo(429);
        JsonNode error = JSON.readTree(r.body()).path("error");
        assertThat(error.path("code").asInt()).isEqualTo(429);
        assertThat(error.path("status").asText()).isEqualTo("RESOURCE_EXHAUSTED");
        assertThat(error.path("message").asText()).contains("Too many requests");
    }

    @Test
    void anAzureContentFilterErrorReachesTheAnthropicSdkAsABadRequest() {
        azure.reply(ScriptedUpstream.Reply.json(400, """
                {"error":{"message":"The response was filtered due to the prompt triggering Azure OpenAI's content management policy.",
                  "type":null,"param":"prompt","code":"content_filter","status":400}}"""));
        assertThatThrownBy(() -> anthropic.messages().create(MessageCreateParams.builder().model("gpt-4o")
                .maxTokens(10).addUserMessage("hi").build()))
                .isInstanceOf(com.anthropic.errors.BadRequestException.class).hasMessageContaining("content management policy");
    }

    // ---------------------------------------------------------------- streams cut mid-way

    @Test
    void aGeminiStreamCutMidWayIsAnErrorForTheOpenAiSdk() throws Exception {
        gemini.reply(ScriptedUpstream.Reply.sse(List.of(
                "data: {\"candidates\": [{\"content\": {\"parts\": [{\"text\": \"The\"}],\"role\": \"model\"},\"index\": 0}],\"usageMetadata\": {\"promptTokenCount\": 4,\"totalTokenCount\": 4},\"modelVersion\": \"gemini-2.5-flash\"}\r\n\r\n",
                "data: {\"candidates\": [{\"content\": {\"parts\": [{\"text\": \" sky\"}],\"role\": \"model\"},\"index\": 0}],\"usageMetadata\": {\"promptTokenCount\": 4,\"totalTokenCount\": 4},\"modelVersion\": \"gemini-2.5-flash\"}\r\n\r\n",
                "data: {\"candidates\": [{\"content\": {\"parts\": [{\"text\": \" is blue.\"}],\"role\": \"model\"},\"finishReason\": \"STOP\",\"index\": 0}],\"usageMetadata\": {\"promptTokenCount\": 4,\"candidatesTokenCount\": 5,\"totalTokenCount\": 9},\"modelVersion\": \"gemini-2.5-flash\"}\r\n\r\n"))
                .cutAfter(2));
        StringBuilder text = new StringBuilder();
        assertThatThrownBy(() -> {
            try (var s = openai.chat().completions().createStreaming(ChatCompletionCreateParams.builder()
                    .model("gemini-2.5-flash").addUserMessage("Why is the sky blue?").maxCompletionTokens(50).build())) {
                s.stream().forEach(ch -> ch.choices().forEach(x -> x.delta().content().ifPresent(text::append)));
            }
        }).isInstanceOf(Exception.class);
        assertThat(text.toString()).isEqualTo("The sky");
        assertThat(gemini.next().pathAndQuery()).isEqualTo("/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse");
    }

    @Test
    void aBedrockStreamCutMidWayIsAnErrorForTheAnthropicSdk() throws Exception {
        ByteSink frames = new ByteSink();
        EventStreamEncoder enc = new EventStreamEncoder();
        List<byte[]> pieces = new ArrayList<>();
        for (String[] e : new String[][] {
                {"messageStart", "{\"role\":\"assistant\"}"},
                {"contentBlockDelta", "{\"contentBlockIndex\":0,\"delta\":{\"text\":\"Hi\"}}"},
                {"contentBlockDelta", "{\"contentBlockIndex\":0,\"delta\":{\"text\":\" there\"}}"},
                {"contentBlockStop", "{\"contentBlockIndex\":0}"},
                {"messageStop", "{\"stopReason\":\"end_turn\"}"}}) {
            byte[] json = e[1].getBytes(StandardCharsets.UTF_8);
            frames.reset();
            enc.event(frames, e[0], json, 0, json.length);
            pieces.add(frames.toByteArray());
        }
        bedrock.reply(ScriptedUpstream.Reply.stream("application/vnd.amazon.eventstream", pieces).cutAfter(2));
        StringBuilder text = new StringBuilder();
        List<String> types = new ArrayList<>();
        assertThatThrownBy(() -> {
            try (StreamResponse<RawMessageStreamEvent> s = anthropic.messages().createStreaming(MessageCreateParams
                    .builder().model("anthropic.claude-3-5-sonnet-20240620-v1:0").maxTokens(50).addUserMessage("hi").build())) {
                s.stream().forEach(e -> {
                    types.add(e.isMessageStop() ? "message_stop" : "other");
                    e.contentBlockDelta().flatMap(d -> d.delta().text()).ifPresent(t -> text.append(t.text()));
                });
            }
        }).isInstanceOf(Exception.class);
        assertThat(types).doesNotContain("message_stop");
        assertThat(text.toString()).isEqualTo("Hi");
        assertThat(bedrock.next().pathAndQuery())
                .isEqualTo("/model/anthropic.claude-3-5-sonnet-20240620-v1%3A0/converse-stream");
    }

    @Test
    void anAzureStreamCutMidWayIsAnErrorForAGeminiClient() throws Exception {
        azure.reply(ScriptedUpstream.Reply.sse(List.of(
                "data: {\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"gpt-4o\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"finish_reason\":null}]}\n\n",
                "data: {\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"gpt-4o\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hello\"},\"finish_reason\":null}]}\n\n",
                "data: {\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"gpt-4o\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n",
                "data: [DONE]\n\n")).cutAfter(2));
        HttpResponse<String> r = gemini("gpt-4o", true, "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"hi\"}]}]}");
        assertThat(azure.next().pathAndQuery()).isEqualTo("/openai/deployments/gpt-4o/chat/completions?api-version="
                + AZURE_VERSION);
        List<JsonNode> events = new ArrayList<>();
        for (String line : r.body().split("\r?\n")) {
            if (line.startsWith("data: ")) {
                events.add(JSON.readTree(line.substring(6)));
            }
        }
        assertThat(events).as(r.body()).isNotEmpty();
        assertThat(events).noneMatch(e -> e.path("candidates").path(0).has("finishReason"));
        JsonNode last = events.get(events.size() - 1);
        assertThat(last.path("error").path("code").asInt()).as(r.body()).isEqualTo(502);
    }
}
