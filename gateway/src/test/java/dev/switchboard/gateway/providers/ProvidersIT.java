package dev.switchboard.gateway.providers;

import dev.switchboard.gateway.ScriptedUpstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.core.http.StreamResponse;
import com.anthropic.errors.NotFoundException;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCountTokensParams;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.MessageTokensCount;
import com.anthropic.models.messages.RawMessageStreamEvent;
import com.anthropic.models.messages.StopReason;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseCreateParams;
import dev.switchboard.core.config.ConfigLoader;
import dev.switchboard.gateway.TestConfigs;
import dev.switchboard.gateway.server.GatewayServer;
import dev.switchboard.providers.eventstream.EventStreamEncoder;
import dev.switchboard.providers.wire.ByteSink;
import dev.switchboard.sim.SimConfig;
import dev.switchboard.sim.engine.EngineConfig;
import dev.switchboard.sim.server.SimServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One API, every provider, over real sockets: the official Anthropic and OpenAI SDKs and a Gemini-shaped HTTP client
 * in front; the simulator (OpenAI schema) and scripted upstreams replaying Anthropic's and Bedrock's documented wire
 * formats behind. The upstream sees the exact request (path, headers, credentials, body); the SDK gets the answer.
 */
class ProvidersIT {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String SIM = SimConfig.DEFAULT_MODEL;
    static final String ANTHROPIC_KEY = "sk-ant-test-0123456789";
    @TempDir
    static Path dir;
    static SimServer sims;
    static ScriptedUpstream claude;
    static ScriptedUpstream bedrock;
    static GatewayServer gateway;
    static AnthropicClient anthropic;
    static OpenAIClient openai;
    static final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        sims = SimServer.start(SimConfig.defaults().withEndpoints(0, 1).withEngine(EngineConfig.defaults().withTimeScale(0)));
        claude = new ScriptedUpstream();
        bedrock = new ScriptedUpstream();
        Path key = Files.writeString(dir.resolve("anthropic.key"), ANTHROPIC_KEY + "\n");
        Path aws = Files.writeString(dir.resolve("aws-credentials"), """
                [default]
                aws_access_key_id = AKIDEXAMPLE
                aws_secret_access_key = wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY
                """);
        String yaml = TestConfigs.of(TestConfigs.gateway(""), TestConfigs.route("""
                  - name: sim
                    matches: [{headers: [{name: x-ai-eg-model, value: %1$s}]}]
                    backendRefs: [{name: sim}]
                  - name: gemini-named
                    matches: [{headers: [{name: x-ai-eg-model, value: meta-llama/Llama-3.1-8B-Instruct}]}]
                    backendRefs: [{name: sim, modelNameOverride: %1$s}]
                  - name: claude
                    matches: [{headers: [{name: x-ai-eg-model, value: claude-sonnet-4-5}]}]
                    backendRefs: [{name: claude}]
                  - name: bedrock
                    matches: [{headers: [{name: x-ai-eg-model, value: anthropic.claude-3-haiku}]}]
                    backendRefs: [{name: bedrock, priority: 0}, {name: sim, priority: 1, modelNameOverride: %1$s}]
                """.formatted(SIM)), TestConfigs.backend("sim", sims.addresses().get(0).getPort()),
                schemaBackend("claude", "Anthropic", claude.port()), schemaBackend("bedrock", "AWSBedrock", bedrock.port()),
                """
                apiVersion: aigateway.envoyproxy.io/v1beta1
                kind: BackendSecurityPolicy
                metadata: {name: claude-key}
                spec:
                  targetRefs: [{name: claude}]
                  type: AnthropicAPIKey
                  anthropicAPIKey: {file: %s}
                """.formatted(key), """
                apiVersion: aigateway.envoyproxy.io/v1beta1
                kind: BackendSecurityPolicy
                metadata: {name: bedrock-sigv4}
                spec:
                  targetRefs: [{name: bedrock}]
                  type: AWSCredentials
                  awsCredentials: {region: us-east-1, credentialsFile: {file: %s}}
                """.formatted(aws));
        gateway = GatewayServer.start(ConfigLoader.parse(yaml, "providers.yaml", dir), 1);
        String base = "http://127.0.0.1:" + gateway.port();
        anthropic = AnthropicOkHttpClient.builder().baseUrl(base).apiKey("client-key").maxRetries(0)
                .timeout(Duration.ofSeconds(20)).build();
        openai = OpenAIOkHttpClient.builder().baseUrl(base + "/v1").apiKey("client-key").maxRetries(0)
                .timeout(Duration.ofSeconds(20)).build();
    }

    static String schemaBackend(String name, String schema, int port) {
        return """
                apiVersion: aigateway.envoyproxy.io/v1beta1
                kind: AIServiceBackend
                metadata: {name: %1$s}
                spec: {schema: {name: %2$s}, backendRef: {name: %1$s}}
                ---
                apiVersion: gateway.envoyproxy.io/v1alpha1
                kind: Backend
                metadata: {name: %1$s}
                spec: {endpoints: [{ip: {address: 127.0.0.1, port: %3$d}}]}
                """.formatted(name, schema, port);
    }

    @AfterAll
    static void stop() throws Exception {
        if (gateway != null) {
            gateway.close();
        }
        claude.close();
        bedrock.close();
        sims.close();
    }

    @Test
    void anAnthropicSdkIsAnsweredByAnOpenAiSchemaPool() {
        Message m = anthropic.messages().create(MessageCreateParams.builder().model(SIM).maxTokens(12)
                .system("Be brief.").addUserMessage("Say something.").build());
        assertThat(m.content()).isNotEmpty();
        assertThat(m.content().get(0).text().orElseThrow().text()).isNotBlank();
        assertThat(m.model().asString()).isEqualTo(SIM);
        assertThat(m.usage().outputTokens()).isPositive();
        assertThat(m.usage().inputTokens()).isPositive();
        assertThat(m.stopReason()).hasValue(StopReason.MAX_TOKENS);
    }

    @Test
    void anAnthropicSdkStreamFromAnOpenAiSchemaPoolIsAnthropicsEventSequence() {
        List<String> types = new ArrayList<>();
        StringBuilder text = new StringBuilder();
        try (StreamResponse<RawMessageStreamEvent> s = anthropic.messages().createStreaming(MessageCreateParams.builder()
                .model(SIM).maxTokens(8).addUserMessage("Stream, please.").build())) {
            s.stream().forEach(e -> {
                types.add(e.isMessageStart() ? "message_start" : e.isContentBlockStart() ? "content_block_start"
                        : e.isContentBlockDelta() ? "content_block_delta" : e.isContentBlockStop() ? "content_block_stop"
                        : e.isMessageDelta() ? "message_delta" : e.isMessageStop() ? "message_stop" : "other");
                e.contentBlockDelta().flatMap(d -> d.delta().text()).ifPresent(t -> text.append(t.text()));
            });
        }
        assertThat(types.get(0)).isEqualTo("message_start");
        assertThat(types).containsSubsequence("content_block_start", "content_block_delta", "content_block_stop",
                "message_delta", "message_stop");
        assertThat(types.get(types.size() - 1)).isEqualTo("message_stop");
        assertThat(text).isNotEmpty();
    }

    @Test
    void anAnthropicSdkGetsItsOwnErrorShapeForAnUnknownModel() {
        assertThatThrownBy(() -> anthropic.messages().create(MessageCreateParams.builder().model("no-such-model")
                .maxTokens(5).addUserMessage("hi").build()))
                .isInstanceOf(NotFoundException.class).hasMessageContaining("no-such-model");
    }

    @Test
    void anOpenAiSdkReachesClaudeWithTheKeyFromItsFileAndTheRequestInAnthropicsShape() throws Exception {
        claude.reply(ScriptedUpstream.Reply.json(200, """
                {"id":"msg_01XFDUDYJgAACzvnptvVoYEL","type":"message","role":"assistant","model":"claude-sonnet-4-5",
                 "content":[{"type":"text","text":"Hello!"}],"stop_reason":"end_turn","stop_sequence":null,
                 "usage":{"input_tokens":12,"output_tokens":6}}"""));
        ChatCompletion c = openai.chat().completions().create(ChatCompletionCreateParams.builder()
                .model("claude-sonnet-4-5").addSystemMessage("You are terse.").addUserMessage("Hello, Claude")
                .maxCompletionTokens(1024).build());
        ScriptedUpstream.Seen seen = claude.next();
        assertThat(seen.method()).isEqualTo("POST");
        assertThat(seen.pathAndQuery()).isEqualTo("/v1/messages");
        assertThat(seen.headers()).containsEntry("x-api-key", ANTHROPIC_KEY).containsEntry("anthropic-version", "2023-06-01")
                .doesNotContainKey("authorization");
        JsonNode body = JSON.readTree(seen.body());
        assertThat(body.path("model").asText()).isEqualTo("claude-sonnet-4-5");
        assertThat(body.path("system").asText()).as(body.toString()).isEqualTo("You are terse.");
        assertThat(body.path("max_tokens").asInt()).isEqualTo(1024);
        assertThat(body.path("messages").get(0).path("role").asText()).isEqualTo("user");
        assertThat(c.choices().get(0).message().content()).hasValue("Hello!");
        assertThat(c.choices().get(0).finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.STOP);
        assertThat(c.usage().orElseThrow().promptTokens()).isEqualTo(12);
        assertThat(c.usage().orElseThrow().completionTokens()).isEqualTo(6);
    }

    @Test
    void theProviderKeyReachesOnlyItsBackendNeverTheClientOrTheAdminPort() throws Exception {
        claude.reply(ScriptedUpstream.Reply.json(401, "{\"type\":\"error\",\"error\":{\"type\":\"authentication_error\","
                + "\"message\":\"invalid x-api-key\"}}"));
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port()
                        + "/v1/chat/completions")).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":5,"
                        + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(claude.next().headers()).containsEntry("x-api-key", ANTHROPIC_KEY);
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(JSON.readTree(r.body()).path("error").path("type").asText())
                .as("Anthropic's error in the OpenAI client's shape").isEqualTo("authentication_error");
        assertThat(r.body() + r.headers().map()).doesNotContain(ANTHROPIC_KEY);
        for (String page : new String[] {"/metrics", "/config"}) {
            HttpResponse<String> admin = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                    + gateway.adminPort() + page)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(admin.body()).doesNotContain(ANTHROPIC_KEY).doesNotContain("wJalrXUtnFEMI");
            if (page.equals("/metrics")) {
                assertThat(admin.body()).contains("gen_ai_provider_name=\"anthropic\"");
            }
        }
    }

    @Test
    void tokenCountsComeFromTheBackendsOwnCounterOrAreEstimatedAndSaySo() throws Exception {
        // Anthropic's own count_tokens, passed through
        claude.reply(ScriptedUpstream.Reply.json(200, "{\"input_tokens\":14}"));
        MessageTokensCount counted = anthropic.messages().countTokens(MessageCountTokensParams.builder()
                .model("claude-sonnet-4-5").addUserMessage("Hello, Claude").build());
        assertThat(counted.inputTokens()).isEqualTo(14);
        ScriptedUpstream.Seen seen = claude.next();
        assertThat(seen.pathAndQuery()).isEqualTo("/v1/messages/count_tokens");
        assertThat(seen.headers()).containsEntry("x-api-key", ANTHROPIC_KEY);

        // a Gemini client's countTokens, counted by Anthropic's API and answered in Gemini's shape
        claude.reply(ScriptedUpstream.Reply.json(200, "{\"input_tokens\":9}"));
        HttpResponse<String> g = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port()
                        + "/v1beta/models/claude-sonnet-4-5:countTokens"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"hi\"}]}]}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(g.statusCode()).as(g.body()).isEqualTo(200);
        assertThat(JSON.readTree(g.body()).path("totalTokens").asInt()).isEqualTo(9);
        JsonNode sent = JSON.readTree(claude.next().body());
        assertThat(sent.path("model").asText()).isEqualTo("claude-sonnet-4-5");
        assertThat(sent.path("messages").get(0).path("role").asText()).isEqualTo("user");

        // an OpenAI-schema pool has no counting API: the gateway estimates, and the header says it did
        HttpResponse<String> e = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port()
                        + "/v1/messages/count_tokens")).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"" + SIM + "\",\"messages\":[{\"role\":\"user\","
                        + "\"content\":\"one two three four five six seven eight\"}]}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(e.statusCode()).as(e.body()).isEqualTo(200);
        assertThat(e.headers().firstValue("x-switchboard-token-count")).hasValue("estimated");
        assertThat(JSON.readTree(e.body()).path("input_tokens").asInt()).isBetween(6, 16);
    }

    @Test
    void theModelListNamesEveryRoutedModelWithWhoServesIt() throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port()
                + "/v1/models")).build(), HttpResponse.BodyHandlers.ofString());
        List<String> listed = new ArrayList<>();
        JSON.readTree(r.body()).path("data").forEach(m -> listed.add(m.path("id").asText() + "@" + m.path("owned_by").asText()));
        assertThat(listed).containsExactly(SIM + "@openai", "meta-llama/Llama-3.1-8B-Instruct@openai",
                "claude-sonnet-4-5@anthropic", "anthropic.claude-3-haiku@aws.bedrock");

        // the same list in the shape of each SDK that asks
        List<String> claudes = new ArrayList<>();
        anthropic.models().list().autoPager().forEach(m -> claudes.add(m.id()));
        assertThat(claudes).contains("claude-sonnet-4-5", SIM);
        HttpResponse<String> g = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port()
                + "/v1beta/models")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(JSON.readTree(g.body()).path("models").get(2).path("name").asText())
                .isEqualTo("models/claude-sonnet-4-5");
    }

    @Test
    void aResponsesApiClientReachesClaudeThroughTheChatModel() throws Exception {
        claude.reply(ScriptedUpstream.Reply.json(200, """
                {"id":"msg_02","type":"message","role":"assistant","model":"claude-sonnet-4-5",
                 "content":[{"type":"text","text":"Bonjour!"}],"stop_reason":"end_turn","stop_sequence":null,
                 "usage":{"input_tokens":8,"output_tokens":3}}"""));
        Response r = openai.responses().create(ResponseCreateParams.builder().model("claude-sonnet-4-5")
                .instructions("Answer in French.").input("Hello").maxOutputTokens(64L).build());
        ScriptedUpstream.Seen seen = claude.next();
        assertThat(seen.pathAndQuery()).isEqualTo("/v1/messages");
        JsonNode body = JSON.readTree(seen.body());
        assertThat(body.path("system").asText()).isEqualTo("Answer in French.");
        assertThat(body.path("max_tokens").asInt()).isEqualTo(64);
        String text = r.output().stream().flatMap(o -> o.message().stream()).flatMap(m -> m.content().stream())
                .flatMap(c -> c.outputText().stream()).map(t -> t.text()).reduce("", String::concat);
        assertThat(text).isEqualTo("Bonjour!");
        assertThat(r.usage().orElseThrow().outputTokens()).isEqualTo(3);
    }

    @Test
    void hostileUpstreamsGetTheClientABoundedErrorInItsShapeNeverA200OrAHang() throws Exception {
        String chat = "{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":5,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        // a 200 that is not Anthropic's format at all
        claude.reply(new ScriptedUpstream.Reply(200, java.util.Map.of("content-type", "text/html"),
                List.of("<html>maintenance</html>".getBytes(StandardCharsets.UTF_8)), -1));
        HttpResponse<String> html = post("/v1/chat/completions", chat);
        claude.next();
        assertThat(html.statusCode()).isEqualTo(502);
        assertThat(JSON.readTree(html.body()).path("error").path("message").asText()).contains("not a Messages response");

        // an answer larger than any model writes: read no further than the bound, answered 502
        byte[] huge = new byte[33 << 20];
        java.util.Arrays.fill(huge, (byte) ' ');
        claude.reply(new ScriptedUpstream.Reply(200, java.util.Map.of("content-type", "application/json"), List.of(huge), -1));
        HttpResponse<String> big = post("/v1/chat/completions", chat);
        claude.next();
        assertThat(big.statusCode()).isEqualTo(502);
        assertThat(big.body()).contains("larger than");

        // a 1 MiB error page: the client gets the status, in its shape, with an excerpt
        byte[] page = ("<html>" + "x".repeat(1 << 20) + "</html>").getBytes(StandardCharsets.UTF_8);
        claude.reply(new ScriptedUpstream.Reply(500, java.util.Map.of("content-type", "text/html"), List.of(page), -1));
        HttpResponse<String> err = post("/v1/chat/completions", chat);
        claude.next();
        assertThat(err.statusCode()).isEqualTo(500);
        assertThat(err.body().length()).isLessThan(4096);
        assertThat(JSON.readTree(err.body()).path("error").path("type").asText()).isEqualTo("server_error");
    }

    @Test
    void anAnthropicStreamInOneByteChunksIsTranslatedWhole() {
        String events = String.join("", List.of(
                "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_1b\",\"type\":\"message\",\"role\":\"assistant\",\"content\":[],\"model\":\"claude-sonnet-4-5\",\"stop_reason\":null,\"stop_sequence\":null,\"usage\":{\"input_tokens\":4,\"output_tokens\":1}}}\n\n",
                "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n",
                "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"Byte by byte\"}}\n\n",
                "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":0}\n\n",
                "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\",\"stop_sequence\":null},\"usage\":{\"output_tokens\":3}}\n\n",
                "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n"));
        List<String> pieces = new ArrayList<>();
        for (char c : events.toCharArray()) {
            pieces.add(String.valueOf(c));
        }
        claude.reply(ScriptedUpstream.Reply.sse(pieces));
        StringBuilder text = new StringBuilder();
        List<String> finishes = new ArrayList<>();
        try (var s = openai.chat().completions().createStreaming(ChatCompletionCreateParams.builder()
                .model("claude-sonnet-4-5").addUserMessage("hi").maxCompletionTokens(10).build())) {
            s.stream().forEach(ch -> ch.choices().forEach(x -> {
                x.delta().content().ifPresent(text::append);
                x.finishReason().ifPresent(f -> finishes.add(f.asString()));
            }));
        }
        assertThat(text.toString()).isEqualTo("Byte by byte");
        assertThat(finishes).containsExactly("stop");
    }

    @Test
    void aSlowReaderGetsAWholeTranslatedStreamTheUpstreamHeldBackForIt() throws Exception {
        List<String> events = new ArrayList<>();
        events.add("event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_s\",\"type\":\"message\",\"role\":\"assistant\",\"content\":[],\"model\":\"claude-sonnet-4-5\",\"stop_reason\":null,\"stop_sequence\":null,\"usage\":{\"input_tokens\":4,\"output_tokens\":1}}}\n\n");
        events.add("event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n");
        int deltas = 600;
        // ~170 KB of stream through a 4 KB receive window: far more than the socket buffers between the two hold
        for (int i = 0; i < deltas; i++) {
            events.add("event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"w" + "x".repeat(80) + " \"}}\n\n");
        }
        events.add("event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":0}\n\n");
        events.add("event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\",\"stop_sequence\":null},\"usage\":{\"output_tokens\":600}}\n\n");
        events.add("event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n");
        claude.reply(ScriptedUpstream.Reply.sse(events));
        String body = "{\"model\":\"claude-sonnet-4-5\",\"stream\":true,\"max_tokens\":4000,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"long\"}]}";
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", gateway.port())) {
            socket.setReceiveBufferSize(4096);
            socket.getOutputStream().write(("POST /v1/chat/completions HTTP/1.1\r\nhost: x\r\ncontent-type: application/json"
                    + "\r\nconnection: close\r\ncontent-length: " + body.length() + "\r\n\r\n" + body)
                    .getBytes(StandardCharsets.UTF_8));
            java.io.InputStream in = socket.getInputStream();
            java.io.ByteArrayOutputStream got = new java.io.ByteArrayOutputStream();
            byte[] buf = new byte[2048];
            long start = System.nanoTime();
            for (int n; (n = in.read(buf)) > 0; ) {
                got.write(buf, 0, n);
                if (System.nanoTime() - start < 1_500_000_000L) {
                    Thread.sleep(5); // reads slowly for the first 1.5 s: the gateway must hold the upstream back
                }
            }
            String text = got.toString(StandardCharsets.UTF_8);
            claude.next();
            assertThat(text).startsWith("HTTP/1.1 200");
            int chunks = 0;
            for (int i = text.indexOf("\"content\":\"w"); i >= 0; i = text.indexOf("\"content\":\"w", i + 1)) {
                chunks++;
            }
            assertThat(chunks).as("every delta, in order, none lost to the slow reader").isEqualTo(deltas);
            assertThat(text).contains("\"finish_reason\":\"stop\"").contains("data: [DONE]");
        }
    }

    HttpResponse<String> post(String path, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port() + path))
                .header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void anAnthropicStreamCutMidWayIsNotPassedOffAsComplete() throws Exception {
        claude.reply(ScriptedUpstream.Reply.sse(List.of(
                "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\",\"type\":\"message\",\"role\":\"assistant\",\"content\":[],\"model\":\"claude-sonnet-4-5\",\"stop_reason\":null,\"stop_sequence\":null,\"usage\":{\"input_tokens\":25,\"output_tokens\":1}}}\n\n",
                "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n",
                "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"Hello\"}}\n\n",
                "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\" there\"}}\n\n"))
                .cutAfter(3));
        StringBuilder text = new StringBuilder();
        assertThatThrownBy(() -> {
            try (var s = openai.chat().completions().createStreaming(ChatCompletionCreateParams.builder()
                    .model("claude-sonnet-4-5").addUserMessage("hi").maxCompletionTokens(100).build())) {
                s.stream().forEach(ch -> ch.choices().forEach(x -> x.delta().content().ifPresent(text::append)));
            }
        }).isInstanceOf(Exception.class);
        assertThat(text.toString()).isEqualTo("Hello");
        assertThat(claude.next().bodyText()).contains("\"stream\":true");
    }

    @Test
    void anOpenAiStreamFromBedrockConverseIsSignedWithSigV4AndTranslatedChunkByChunk() throws Exception {
        ByteSink frames = new ByteSink();
        EventStreamEncoder enc = new EventStreamEncoder();
        for (String[] e : new String[][] {
                {"messageStart", "{\"role\":\"assistant\"}"},
                {"contentBlockDelta", "{\"contentBlockIndex\":0,\"delta\":{\"text\":\"Hi\"}}"},
                {"contentBlockDelta", "{\"contentBlockIndex\":0,\"delta\":{\"text\":\" from Bedrock\"}}"},
                {"contentBlockStop", "{\"contentBlockIndex\":0}"},
                {"messageStop", "{\"stopReason\":\"end_turn\"}"},
                {"metadata", "{\"usage\":{\"inputTokens\":9,\"outputTokens\":4,\"totalTokens\":13},\"metrics\":{\"latencyMs\":120}}"}}) {
            byte[] json = e[1].getBytes(StandardCharsets.UTF_8);
            enc.event(frames, e[0], json, 0, json.length);
        }
        byte[] all = frames.toByteArray();
        List<byte[]> pieces = new ArrayList<>();
        for (int i = 0; i < all.length; i += 37) { // frames split across chunks anywhere
            pieces.add(java.util.Arrays.copyOfRange(all, i, Math.min(all.length, i + 37)));
        }
        bedrock.reply(ScriptedUpstream.Reply.stream("application/vnd.amazon.eventstream", pieces));
        StringBuilder text = new StringBuilder();
        List<ChatCompletionChunk> chunks = new ArrayList<>();
        try (var s = openai.chat().completions().createStreaming(ChatCompletionCreateParams.builder()
                .model("anthropic.claude-3-haiku").addUserMessage("hi").maxCompletionTokens(50).build())) {
            s.stream().forEach(ch -> {
                chunks.add(ch);
                ch.choices().forEach(x -> x.delta().content().ifPresent(text::append));
            });
        }
        ScriptedUpstream.Seen seen = bedrock.next();
        assertThat(seen.pathAndQuery()).isEqualTo("/model/anthropic.claude-3-haiku/converse-stream");
        assertThat(seen.headers().get("authorization"))
                .startsWith("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/").contains("/us-east-1/bedrock/aws4_request");
        assertThat(seen.headers()).containsKey("x-amz-date").containsKey("x-amz-content-sha256");
        JsonNode body = JSON.readTree(seen.body());
        assertThat(body.has("model")).isFalse();
        assertThat(body.path("inferenceConfig").path("maxTokens").asInt()).isEqualTo(50);
        assertThat(body.path("messages").get(0).path("content").get(0).path("text").asText()).isEqualTo("hi");
        assertThat(text.toString()).isEqualTo("Hi from Bedrock");
        assertThat(chunks.stream().flatMap(c -> c.choices().stream()).filter(c -> c.finishReason().isPresent()))
                .isNotEmpty();
    }

    @Test
    void aRequestThatFailsOnBedrockIsTranslatedAfreshForTheOpenAiFallback() throws Exception {
        bedrock.reply(ScriptedUpstream.Reply.json(503, "{\"message\":\"Bedrock is unavailable\"}"));
        Message m = anthropic.messages().create(MessageCreateParams.builder().model("anthropic.claude-3-haiku")
                .maxTokens(6).addUserMessage("Fall back, please.").build());
        assertThat(bedrock.next().pathAndQuery()).isEqualTo("/model/anthropic.claude-3-haiku/converse");
        assertThat(m.content().get(0).text().orElseThrow().text()).isNotBlank();
        assertThat(m.usage().outputTokens()).isPositive();
    }

    @Test
    void aGeminiClientWithASlashedModelIdIsAnsweredInGeminisShape() throws Exception {
        String body = """
                {"contents":[{"role":"user","parts":[{"text":"Write a haiku."}]}],
                 "generationConfig":{"maxOutputTokens":7}}""";
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port()
                        + "/v1beta/models/meta-llama/Llama-3.1-8B-Instruct:generateContent"))
                .header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode json = JSON.readTree(r.body());
        assertThat(json.path("candidates").get(0).path("content").path("parts").get(0).path("text").asText()).isNotBlank();
        assertThat(json.path("candidates").get(0).path("finishReason").asText()).isEqualTo("MAX_TOKENS");
        assertThat(json.path("usageMetadata").path("candidatesTokenCount").asInt()).isPositive();

        HttpResponse<String> unknown = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port()
                        + "/v1beta/models/nope:generateContent"))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(JSON.readTree(unknown.body()).path("error").path("status").asText()).isEqualTo("NOT_FOUND");
    }

    @Test
    void aGeminiStreamWithoutAltSseIsGooglesJsonArray() throws Exception {
        String body = "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"Stream.\"}]}],"
                + "\"generationConfig\":{\"maxOutputTokens\":4}}";
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port()
                        + "/v1beta/models/" + SIM + ":streamGenerateContent"))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
        JsonNode chunks = JSON.readTree(r.body());
        assertThat(chunks.isArray()).as(r.body()).isTrue();
        assertThat(chunks.size()).isGreaterThan(1);
        assertThat(chunks.get(chunks.size() - 1).path("candidates").get(0).path("finishReason").asText())
                .isEqualTo("MAX_TOKENS");
    }

    @Test
    void aGeminiStreamFromAnOpenAiSchemaPoolIsGeminiSse() throws Exception {
        String body = "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"Stream.\"}]}],"
                + "\"generationConfig\":{\"maxOutputTokens\":5}}";
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port()
                        + "/v1beta/models/" + SIM + ":streamGenerateContent?alt=sse"))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/event-stream"));
        List<JsonNode> events = new ArrayList<>();
        for (String line : r.body().split("\r?\n")) {
            if (line.startsWith("data: ")) {
                events.add(JSON.readTree(line.substring(6)));
            }
        }
        assertThat(events).hasSizeGreaterThan(1);
        assertThat(events.get(events.size() - 1).path("candidates").get(0).path("finishReason").asText())
                .isEqualTo("MAX_TOKENS");
    }
}
