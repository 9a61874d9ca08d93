package dev.switchboard.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.completions.CompletionCreateParams;
import com.openai.models.embeddings.EmbeddingCreateParams;
import com.openai.models.models.Model;
import dev.switchboard.core.config.ConfigLoader;
import dev.switchboard.gateway.server.GatewayServer;
import dev.switchboard.sim.SimConfig;
import dev.switchboard.sim.engine.EngineConfig;
import dev.switchboard.sim.server.SimServer;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The gateway over real sockets: simulator upstreams, the official OpenAI SDK and a raw HTTP client as clients. */
class GatewayIT {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String SIM_MODEL = SimConfig.DEFAULT_MODEL;
    static SimServer sims;      // 0, 1: healthy; 2: always 503
    static int closedPort;      // nothing listens here
    static GatewayServer gateway;
    static OpenAIClient openai;
    static HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @BeforeAll
    static void start() throws Exception {
        sims = SimServer.start(SimConfig.defaults().withEndpoints(0, 2).withEngine(EngineConfig.defaults().withTimeScale(0)));
        failing = SimServer.start(SimConfig.defaults().withEndpoints(0, 1).withEngine(EngineConfig.defaults().withTimeScale(0))
                .withFailures(1.0, List.of("503"), 0));
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        gateway = GatewayServer.start(ConfigLoader.parse(config(), "test.yaml"), 1);
        openai = OpenAIOkHttpClient.builder().baseUrl("http://127.0.0.1:" + gateway.port() + "/v1").apiKey("sk-test")
                .maxRetries(0).timeout(Duration.ofSeconds(30)).build();
    }

    static SimServer failing;

    static String config() {
        int a = sims.addresses().get(0).getPort();
        int b = sims.addresses().get(1).getPort();
        int bad = failing.addresses().get(0).getPort();
        return """
                apiVersion: switchboard.dev/v1alpha1
                kind: Gateway
                metadata: {name: gw}
                spec: {listen: {port: 0}, admin: {port: 0}, maxRequestBodyBytes: 65536}
                ---
                apiVersion: aigateway.envoyproxy.io/v1beta1
                kind: AIGatewayRoute
                metadata: {name: main}
                spec:
                  rules:
                  - name: sim
                    matches: [{headers: [{name: x-ai-eg-model, value: %1$s}]}]
                    backendRefs: [{name: a}]
                  - name: split
                    matches: [{headers: [{name: x-ai-eg-model, value: split}]}]
                    backendRefs:
                    - {name: a, weight: 3, modelNameOverride: %1$s}
                    - {name: b, weight: 1, modelNameOverride: %1$s}
                  - name: fallback
                    matches: [{headers: [{name: x-ai-eg-model, value: fallback}]}]
                    retry: {numRetries: 2, backoff: 1ms}
                    backendRefs:
                    - {name: failing, priority: 0, modelNameOverride: %1$s}
                    - {name: b, priority: 1, modelNameOverride: %1$s}
                  - name: down
                    matches: [{headers: [{name: x-ai-eg-model, value: down-then-up}]}]
                    retry: {numRetries: 1, backoff: 1ms}
                    backendRefs:
                    - {name: nothing, priority: 0, modelNameOverride: %1$s}
                    - {name: a, priority: 1, modelNameOverride: %1$s}
                  - name: prefix
                    matches: [{headers: [{type: Prefix, name: x-ai-eg-model, value: "team-"}, {name: x-tenant, value: blue}]}]
                    backendRefs: [{name: b, modelNameOverride: %1$s, headerMutation: {set: [{name: x-from, value: gw}]}}]
                  - name: raw
                    matches: [{headers: [{type: Prefix, name: x-ai-eg-model, value: "raw-"}]}]
                    backendRefs: [{name: a}]
                  - name: own-keys
                    matches: [{headers: [{name: x-ai-eg-model, value: own-keys}]}]
                    backendRefs: [{name: a, modelNameOverride: %1$s, forwardClientCredentials: true}]
                """.formatted(SIM_MODEL) + "---\n" + TestConfigs.of(TestConfigs.backend("a", a), TestConfigs.backend("b", b),
                TestConfigs.backend("failing", bad), TestConfigs.backend("nothing", closedPort));
    }

    @AfterAll
    static void stop() {
        openai.close();
        gateway.close();
        sims.close();
        failing.close();
    }

    static ChatCompletionCreateParams.Builder chat(String model, int maxTokens) {
        return ChatCompletionCreateParams.builder().model(model).addUserMessage("Hello through the gateway")
                .maxCompletionTokens(maxTokens).putAdditionalBodyProperty("ignore_eos", JsonValue.from(true));
    }

    static HttpResponse<String> post(String path, String body, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port() + path))
                .timeout(Duration.ofSeconds(30)).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (headers.length > 0) {
            b.headers(headers);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static String chatBody(String model) {
        return "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"max_tokens\":3}";
    }

    static JsonNode error(HttpResponse<String> r) throws Exception {
        return JSON.readTree(r.body()).path("error");
    }

    @Test
    void theOpenAiSdkWorksUnchangedForChatCompletionsEmbeddingsAndModels() {
        ChatCompletion c = openai.chat().completions().create(chat(SIM_MODEL, 5).build());
        assertThat(c.usage().orElseThrow().completionTokens()).isEqualTo(5);
        assertThat(c.choices().get(0).message().content()).isPresent();

        List<ChatCompletionChunk> chunks;
        try (StreamResponse<ChatCompletionChunk> s = openai.chat().completions().createStreaming(chat(SIM_MODEL, 7)
                .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build())) {
            chunks = s.stream().toList();
        }
        assertThat(chunks.get(chunks.size() - 1).usage().orElseThrow().completionTokens()).isEqualTo(7);

        var completion = openai.completions().create(CompletionCreateParams.builder().model(SIM_MODEL).prompt("Once")
                .maxTokens(3).putAdditionalBodyProperty("ignore_eos", JsonValue.from(true)).build());
        assertThat(completion.usage().orElseThrow().completionTokens()).isEqualTo(3);

        var embedding = openai.embeddings().create(EmbeddingCreateParams.builder().model(SIM_MODEL).input("vector").build());
        assertThat(embedding.data().get(0).embedding()).hasSize(384);

        assertThat(openai.models().list().data().stream().map(Model::id).toList())
                .containsExactly(SIM_MODEL, "split", "fallback", "down-then-up", "own-keys");
    }

    @Test
    void routesByModelAndHeadersAndRewritesTheModel() throws Exception {
        HttpResponse<String> r = post("/v1/chat/completions", chatBody("team-red"), "x-tenant", "blue");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("x-inference-port")).hasValue(String.valueOf(sims.addresses().get(1).getPort()));
        assertThat(r.headers().firstValue("x-switchboard-backend")).hasValue("b");
        assertThat(JSON.readTree(r.body()).path("model").asText()).isEqualTo(SIM_MODEL); // the override reached the sim

        assertThat(post("/v1/chat/completions", chatBody("team-red"), "x-tenant", "green").statusCode()).isEqualTo(404);
    }

    @Test
    void theUpstreamGetsTheModelHeaderTheRewrittenModelAndTheHeaderMutationsAndResponsesAreRouted() throws Exception {
        // the simulator's scripted mode checks what arrived upstream and answers 417 listing any mismatch
        String script = "{\"expect\":{\"path\":\"/v1/responses\",\"headers\":{\"x-ai-eg-model\":\"" + SIM_MODEL
                + "\",\"x-from\":\"gw\",\"x-tenant\":\"blue\"},\"body\":{\"model\":\"" + SIM_MODEL
                + "\",\"input\":\"hello\"}},\"body\":{\"object\":\"response\",\"status\":\"completed\"}}";
        HttpResponse<String> r = post("/v1/responses", "{\"model\":\"team-red\",\"input\":\"hello\"}",
                "x-tenant", "blue", "x-ai-eg-model", "spoofed", "x-sim-script", script);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(JSON.readTree(r.body()).path("status").asText()).isEqualTo("completed");
    }

    @Test
    void aClientsCredentialsReachOnlyBackendsThatForwardThem() throws Exception {
        String stripped = "{\"expect\":{\"absentHeaders\":[\"authorization\",\"x-api-key\",\"api-key\",\"x-goog-api-key\"]},"
                + "\"body\":{\"ok\":1}}";
        HttpResponse<String> r = post("/v1/chat/completions", chatBody(SIM_MODEL), "authorization", "Bearer client-key",
                "x-api-key", "k1", "api-key", "k2", "x-goog-api-key", "k3", "x-sim-script", stripped);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);

        String forwarded = "{\"expect\":{\"headers\":{\"authorization\":\"Bearer client-key\",\"x-api-key\":\"k1\"}},"
                + "\"body\":{\"ok\":1}}";
        r = post("/v1/chat/completions", chatBody("own-keys"), "authorization", "Bearer client-key", "x-api-key", "k1",
                "x-sim-script", forwarded);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    }

    @Test
    void aModelThatCannotBeAHeaderValueIsRefusedAtOnceNamingTheField() throws Exception {
        // the raw rule routes any "raw-..." model as it is: the body's model goes upstream as the x-ai-eg-model header
        for (String model : List.of("raw-\\u0001x", "raw-a\\nx-injected: 1")) {
            HttpResponse<String> r = post("/v1/chat/completions", chatBody(model));
            assertThat(r.statusCode()).as(model).isEqualTo(400);
            assertThat(error(r).path("param").asText()).isEqualTo("model");
            assertThat(error(r).path("message").asText()).contains("x-ai-eg-model header", "a control character");
        }
        HttpResponse<String> fine = post("/v1/chat/completions", chatBody("raw-fine"));
        assertThat(error(fine).path("code").asText()).as("the simulator's own answer").isEqualTo("model_not_found");
    }

    @Test
    void splitsTrafficByWeight() throws Exception {
        Map<String, Integer> byBackend = new HashMap<>();
        for (int i = 0; i < 400; i++) {
            HttpResponse<String> r = post("/v1/chat/completions", chatBody("split"));
            assertThat(r.statusCode()).isEqualTo(200);
            byBackend.merge(r.headers().firstValue("x-switchboard-backend").orElseThrow(), 1, Integer::sum);
        }
        // 3:1 -> 300 expected on a; a binomial(400, 0.75) lies in [255, 345] with probability > 0.9999999
        assertThat(byBackend.get("a")).isBetween(255, 345);
        assertThat(byBackend.get("a") + byBackend.get("b")).isEqualTo(400);
    }

    @Test
    void failsOverToTheNextPriorityWhenABackendAnswers503() throws Exception {
        for (int i = 0; i < 10; i++) {
            HttpResponse<String> r = post("/v1/chat/completions", chatBody("fallback"));
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.headers().firstValue("x-switchboard-backend")).hasValue("b");
        }
    }

    @Test
    void retriesPastABackendThatRefusesConnections() throws Exception {
        for (int i = 0; i < 5; i++) {
            HttpResponse<String> r = post("/v1/chat/completions", chatBody("down-then-up"));
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.headers().firstValue("x-switchboard-backend")).hasValue("a");
        }
    }

    @Test
    void anUpstreamErrorWithNoAttemptLeftPassesThroughWithItsStatusAndBody() throws Exception {
        HttpResponse<String> r = post("/v1/chat/completions", chatBody(SIM_MODEL), "x-sim-fail", "429");
        assertThat(r.statusCode()).isEqualTo(429);
        assertThat(error(r).path("message").asText()).contains("Injected failure");
    }

    @Test
    void anUpstreamResetMidStreamEndsTheClientStreamWithAnErrorAndTheGatewayCarriesOn() throws Exception {
        ChatCompletionCreateParams params = chat(SIM_MODEL, 50).putAdditionalHeader("x-sim-fail", "reset").build();
        assertThatThrownBy(() -> {
            try (StreamResponse<ChatCompletionChunk> s = openai.chat().completions().createStreaming(params)) {
                s.stream().forEach(c -> { });
            }
        }).isInstanceOf(RuntimeException.class);
        assertThat(post("/v1/chat/completions", chatBody(SIM_MODEL)).statusCode()).isEqualTo(200);
    }

    @Test
    void badInputGetsAClearErrorInTheOpenAiShape() throws Exception {
        record Case(String path, String body, int status, String message) {}
        List<Case> cases = List.of(
                new Case("/v1/chat/completions", "{\"model\": \"x\",", 400, "not valid JSON"),
                new Case("/v1/chat/completions", "[]", 400, "must be a JSON object"),
                new Case("/v1/chat/completions", "{\"messages\":[]}", 400, "'model' is missing"),
                new Case("/v1/chat/completions", "{\"model\":7}", 400, "'model' is not a string"),
                new Case("/v1/chat/completions", "{\"model\":\"m\",\"stream\":\"yes\"}", 400, "'stream' must be true or false"),
                new Case("/v1/chat/completions", chatBody("gpt-nope"), 404, "`gpt-nope` does not exist"),
                new Case("/v1/nothing", "{}", 404, "Unknown path /v1/nothing"),
                new Case("/v1/chat/completions", "{\"model\":\"" + "x".repeat(70_000) + "\"}", 413, "limit of 65536 bytes"));
        for (Case c : cases) {
            HttpResponse<String> r = post(c.path(), c.body());
            assertThat(r.statusCode()).as(c.body().substring(0, Math.min(40, c.body().length()))).isEqualTo(c.status());
            assertThat(error(r).path("message").asText()).contains(c.message());
            assertThat(r.headers().firstValue("x-request-id")).isPresent();
        }
        byte[] badUtf8 = {'{', '"', 'm', 'o', 'd', 'e', 'l', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'};
        HttpResponse<String> utf8 = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port()
                + "/v1/chat/completions")).POST(HttpRequest.BodyPublishers.ofByteArray(badUtf8)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(utf8.statusCode()).isEqualTo(400);
        assertThat(error(utf8).path("message").asText()).contains("not valid JSON", "UTF-8");
        HttpResponse<String> get = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port()
                + "/v1/chat/completions")).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(get.statusCode()).isEqualTo(405);
        assertThat(error(post("/v1/chat/completions", chatBody("gpt-nope"))).path("code").asText()).isEqualTo("model_not_found");
    }

    @Test
    void expectContinueIsAnsweredAtOnceAndAnOversizedDeclaredBodyIsRefusedBeforeItIsSent() throws Exception {
        String body = chatBody(SIM_MODEL);
        try (java.net.Socket s = new java.net.Socket("127.0.0.1", gateway.port())) {
            s.setSoTimeout(5000);
            var out = s.getOutputStream();
            var in = new java.io.BufferedReader(new java.io.InputStreamReader(s.getInputStream()));
            out.write(("POST /v1/chat/completions HTTP/1.1\r\nhost: gw\r\ncontent-type: application/json\r\n"
                    + "expect: 100-continue\r\ncontent-length: " + body.length() + "\r\n\r\n").getBytes());
            out.flush();
            assertThat(in.readLine()).isEqualTo("HTTP/1.1 100 Continue");
            out.write(body.getBytes());
            out.flush();
            String line;
            while ((line = in.readLine()) != null && !line.startsWith("HTTP/1.1 2")) {
                // skip the blank line after 100 Continue
            }
            assertThat(line).isEqualTo("HTTP/1.1 200 OK");
        }
        try (java.net.Socket s = new java.net.Socket("127.0.0.1", gateway.port())) {
            s.setSoTimeout(5000);
            s.getOutputStream().write(("POST /v1/chat/completions HTTP/1.1\r\nhost: gw\r\nexpect: 100-continue\r\n"
                    + "content-length: 10000000\r\n\r\n").getBytes());
            String response = new String(s.getInputStream().readAllBytes());
            assertThat(response).startsWith("HTTP/1.1 413").contains("limit of 65536 bytes");
        }
    }

    @Test
    void theClientsRequestIdIsKeptAndTheAdminPortServesMetricsAndHealth() throws Exception {
        HttpResponse<String> r = post("/v1/chat/completions", chatBody(SIM_MODEL), "x-request-id", "req-42");
        assertThat(r.headers().firstValue("x-request-id")).hasValue("req-42");
        String base = "http://127.0.0.1:" + gateway.adminPort();
        String metrics = http.send(HttpRequest.newBuilder(URI.create(base + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        assertThat(metrics).contains("gen_ai_server_request_duration_seconds_bucket{",
                "gen_ai_request_model=\"" + SIM_MODEL + "\"", "switchboard_gateway_overhead_seconds_count",
                "gen_ai_client_token_usage_bucket{", "gen_ai_token_type=\"output\"", "gen_ai_token_type=\"input\"",
                "switchboard_request_buffer_bytes 0.0", "switchboard_request_buffer_limit_bytes 5.36870912E8");
        assertThat(http.send(HttpRequest.newBuilder(URI.create(base + "/ready")).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
    }
}
