package dev.switchboard.sim.server;

import static dev.switchboard.core.metrics.VllmMetricNames.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.completions.Completion;
import com.openai.models.completions.CompletionCreateParams;
import com.openai.models.embeddings.CreateEmbeddingResponse;
import com.openai.models.embeddings.EmbeddingCreateParams;
import com.openai.models.models.Model;
import dev.switchboard.sim.SimConfig;
import dev.switchboard.sim.engine.EngineConfig;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The simulator over real sockets, with the official OpenAI Java SDK as the client. */
class SimServerIT {
    static final String MODEL = SimConfig.DEFAULT_MODEL;
    static SimServer server;
    static SimClient client;
    static OpenAIClient openai;

    @BeforeAll
    static void start() throws Exception {
        SimConfig config = SimConfig.defaults().withEndpoints(0, 1)
                .withEngine(EngineConfig.defaults().withTimeScale(0))
                .withModel(MODEL, List.of("sql-lora"));
        server = SimServer.start(config);
        int port = server.addresses().get(0).getPort();
        client = new SimClient(port);
        openai = OpenAIOkHttpClient.builder().baseUrl("http://127.0.0.1:" + port + "/v1").apiKey("sk-test")
                .maxRetries(0).timeout(Duration.ofSeconds(30)).build();
    }

    @AfterAll
    static void stop() {
        openai.close();
        server.close();
    }

    private static ChatCompletionCreateParams.Builder chat(String content, int maxTokens) {
        return ChatCompletionCreateParams.builder().model(MODEL).addUserMessage(content)
                .maxCompletionTokens(maxTokens).putAdditionalBodyProperty("ignore_eos", JsonValue.from(true));
    }

    @Test
    void sdkChatCompletion() {
        ChatCompletion c = openai.chat().completions().create(chat("Say hello", 5).build());

        assertThat(c.choices()).hasSize(1);
        assertThat(c.choices().get(0).message().content()).hasValueSatisfying(t -> assertThat(t).isNotBlank());
        assertThat(c.choices().get(0).finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.LENGTH);
        assertThat(c.usage()).hasValueSatisfying(u -> {
            assertThat(u.completionTokens()).isEqualTo(5);
            assertThat(u.promptTokens()).isPositive();
            assertThat(u.totalTokens()).isEqualTo(u.promptTokens() + 5);
        });
        assertThat(c.model()).isEqualTo(MODEL);
    }

    @Test
    void sdkParsesTheStreamAndItsUsageIncludingCachedTokens() {
        String longPrompt = "shared context ".repeat(400);
        ChatCompletionCreateParams params = chat(longPrompt, 6)
                .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build();
        List<ChatCompletionChunk> first = stream(params);
        List<ChatCompletionChunk> second = stream(params);

        String text = first.stream().flatMap(c -> c.choices().stream()).flatMap(c -> c.delta().content().stream())
                .collect(Collectors.joining());
        assertThat(dev.switchboard.core.model.ApproxTokenizer.count(text)).isEqualTo(6);
        assertThat(first.get(0).choices().get(0).delta().role()).isPresent();
        ChatCompletionChunk last = first.get(first.size() - 1);
        assertThat(last.choices()).isEmpty();
        assertThat(last.usage()).hasValueSatisfying(u -> assertThat(u.completionTokens()).isEqualTo(6));
        long cachedFirst = cached(first);
        long cachedSecond = cached(second);
        assertThat(cachedFirst).isZero();
        assertThat(cachedSecond).isGreaterThan(1000);
    }

    private static List<ChatCompletionChunk> stream(ChatCompletionCreateParams params) {
        try (StreamResponse<ChatCompletionChunk> s = openai.chat().completions().createStreaming(params)) {
            return s.stream().toList();
        }
    }

    private static long cached(List<ChatCompletionChunk> chunks) {
        return chunks.get(chunks.size() - 1).usage().orElseThrow().promptTokensDetails().orElseThrow()
                .cachedTokens().orElseThrow();
    }

    @Test
    void sdkCompletionsEmbeddingsAndModels() {
        Completion c = openai.completions().create(CompletionCreateParams.builder().model(MODEL).prompt("Once upon")
                .maxTokens(4).putAdditionalBodyProperty("ignore_eos", JsonValue.from(true)).build());
        assertThat(c.choices().get(0).text()).isNotBlank();
        assertThat(c.usage().orElseThrow().completionTokens()).isEqualTo(4);

        CreateEmbeddingResponse e = openai.embeddings().create(EmbeddingCreateParams.builder().model(MODEL)
                .input("embed me").build());
        List<Float> v = e.data().get(0).embedding();
        assertThat(v).hasSize(384);
        double norm = v.stream().mapToDouble(f -> f * f).sum();
        assertThat(norm).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-3));
        assertThat(e.usage().promptTokens()).isEqualTo(2); // "embed" + " me"

        List<String> ids = openai.models().list().data().stream().map(Model::id).toList();
        assertThat(ids).contains(MODEL, "sql-lora");
    }

    @Test
    void streamedCompletionsAreWellFormedChunksEndingWithUsageAndDone() throws Exception {
        HttpResponse<String> r = client.post("/v1/completions", "{\"model\":\"" + MODEL + "\",\"prompt\":\"go\","
                + "\"max_tokens\":5,\"ignore_eos\":true,\"stream\":true,\"stream_options\":{\"include_usage\":true}}");
        assertThat(r.headers().firstValue("content-type").orElseThrow()).startsWith("text/event-stream");
        List<String> events = List.of(r.body().split("\n\n"));
        assertThat(events.get(events.size() - 1)).isEqualTo("data: [DONE]");
        StringBuilder text = new StringBuilder();
        for (String e : events.subList(0, events.size() - 1)) {
            JsonNode chunk = SimClient.json(e.substring("data: ".length()));
            assertThat(chunk.path("object").asText()).isEqualTo("text_completion");
            assertThat(chunk.path("model").asText()).isEqualTo(MODEL);
            chunk.path("choices").forEach(c -> text.append(c.path("text").asText()));
        }
        assertThat(dev.switchboard.core.model.ApproxTokenizer.count(text)).isEqualTo(5);
        JsonNode usage = SimClient.json(events.get(events.size() - 2).substring(6)).path("usage");
        assertThat(usage.path("completion_tokens").asInt()).isEqualTo(5);
        assertThat(usage.path("prompt_tokens_details").path("cached_tokens").isInt()).isTrue();
    }

    @Test
    void everyResponseNamesTheEndpointThatServedIt() throws Exception {
        HttpResponse<String> ok = client.post("/v1/chat/completions", SimClient.chat(MODEL, "hi", 2, false));
        HttpResponse<String> bad = client.post("/v1/chat/completions", "{");

        for (HttpResponse<String> r : List.of(ok, bad)) {
            assertThat(r.headers().firstValue("x-inference-pod")).hasValue("sim-0");
            assertThat(r.headers().firstValue("x-inference-port")).hasValue(String.valueOf(server.addresses().get(0).getPort()));
        }
    }

    @Test
    void metricsUseVllmNamesAndCountTokens() throws Exception {
        double promptBefore = client.metric(PROMPT_TOKENS);
        double genBefore = client.metric(GENERATION_TOKENS);
        client.post("/v1/completions", "{\"model\":\"" + MODEL + "\",\"prompt\":\"count these four\",\"max_tokens\":7,\"ignore_eos\":true}");
        String text = client.get("/metrics").body();

        for (String name : List.of(NUM_REQUESTS_RUNNING, NUM_REQUESTS_WAITING, KV_CACHE_USAGE_PERC, CACHE_CONFIG_INFO,
                LORA_REQUESTS_INFO, PREFIX_CACHE_QUERIES, PREFIX_CACHE_HITS, NUM_PREEMPTIONS, REQUEST_SUCCESS,
                TIME_TO_FIRST_TOKEN + "_bucket", INTER_TOKEN_LATENCY + "_count", E2E_REQUEST_LATENCY + "_sum",
                REQUEST_QUEUE_TIME + "_count")) {
            assertThat(text).as(name).contains("\n" + name + "{");
        }
        assertThat(SimClient.metric(text, PROMPT_TOKENS, "")).isEqualTo(promptBefore + 3);
        assertThat(SimClient.metric(text, GENERATION_TOKENS, "")).isEqualTo(genBefore + 7);
        assertThat(SimClient.metric(text, CACHE_CONFIG_INFO, "block_size=\"16\"")).isEqualTo(1.0);
        assertThat(text).contains("num_gpu_blocks=\"26880\"");
        assertThat(text).contains("max_lora=\"1\"");
        assertThat(SimClient.metric(text, REQUEST_SUCCESS, "finished_reason=\"length\"")).isPositive();
    }

    @Test
    void loraAdaptersLoadServeAndUnload() throws Exception {
        HttpResponse<String> load = client.post("/v1/load_lora_adapter", "{\"lora_name\":\"fr-lora\",\"lora_path\":\"/a/fr\"}");
        assertThat(load.statusCode()).isEqualTo(200);
        assertThat(load.body()).isEqualTo("Success: LoRA adapter 'fr-lora' added successfully.");
        assertThat(client.post("/v1/load_lora_adapter", "{\"lora_name\":\"fr-lora\",\"lora_path\":\"/a/fr\"}").statusCode())
                .isEqualTo(400);
        assertThat(client.get("/v1/models").body()).contains("\"id\":\"fr-lora\"", "\"parent\":\"" + MODEL + "\"");

        HttpResponse<String> served = client.post("/v1/chat/completions", SimClient.chat("fr-lora", "bonjour", 3, false));
        assertThat(served.statusCode()).isEqualTo(200);
        assertThat(SimClient.json(served.body()).path("model").asText()).isEqualTo("fr-lora");

        assertThat(client.post("/v1/unload_lora_adapter", "{\"lora_name\":\"fr-lora\"}").statusCode()).isEqualTo(200);
        assertThat(client.post("/v1/unload_lora_adapter", "{\"lora_name\":\"fr-lora\"}").statusCode()).isEqualTo(404);
        assertThat(client.post("/v1/chat/completions", SimClient.chat("fr-lora", "bonjour", 3, false)).statusCode())
                .isEqualTo(404);
    }

    @Test
    void orcaLoadReportsInTextAndJson() throws Exception {
        HttpResponse<String> text = client.post("/v1/chat/completions", SimClient.chat(MODEL, "hi", 2, false),
                "endpoint-load-metrics-format", "TEXT");
        HttpResponse<String> json = client.post("/v1/chat/completions", SimClient.chat(MODEL, "hi", 2, false),
                "endpoint-load-metrics-format", "json");
        HttpResponse<String> none = client.post("/v1/chat/completions", SimClient.chat(MODEL, "hi", 2, false));

        assertThat(text.headers().firstValue("endpoint-load-metrics").orElseThrow())
                .matches("TEXT named_metrics\\.kv_cache_usage_perc=[0-9.E-]+, named_metrics\\.num_requests_waiting=[0-9.]+");
        String j = json.headers().firstValue("endpoint-load-metrics").orElseThrow();
        assertThat(j).startsWith("JSON ");
        JsonNode report = SimClient.json(j.substring(5)).path("named_metrics");
        assertThat(report.has("kv_cache_usage_perc")).isTrue();
        assertThat(report.path("num_requests_waiting").isNumber()).isTrue();
        assertThat(none.headers().firstValue("endpoint-load-metrics")).isEmpty();
    }

    @Test
    void forcedFailuresAnswerInTheOpenAiErrorShape() throws Exception {
        for (int status : new int[] {429, 500, 503}) {
            HttpResponse<String> r = client.post("/v1/chat/completions", SimClient.chat(MODEL, "hi", 2, false),
                    "x-sim-fail", String.valueOf(status));
            assertThat(r.statusCode()).isEqualTo(status);
            assertThat(SimClient.json(r.body()).path("error").path("message").asText()).isNotBlank();
        }
        assertThatThrownBy(() -> openai.chat().completions().create(chat("hi", 2)
                .putAdditionalHeader("x-sim-fail", "429").build())).isInstanceOf(com.openai.errors.RateLimitException.class);
    }

    @Test
    void anInjectedResetCutsTheStreamAfterSomeTokens() {
        ChatCompletionCreateParams params = chat("hi", 50).putAdditionalHeader("x-sim-fail", "reset").build();
        List<ChatCompletionChunk> received = new ArrayList<>();
        assertThatThrownBy(() -> {
            try (StreamResponse<ChatCompletionChunk> s = openai.chat().completions().createStreaming(params)) {
                s.stream().forEach(received::add);
            }
        }).isInstanceOf(RuntimeException.class);
        assertThat(received).isNotEmpty().hasSizeLessThan(50);
    }

    @Test
    void aSlowFirstTokenComesNoSoonerThanTheConfiguredDelay() throws Exception {
        long start = System.nanoTime();
        HttpResponse<String> r = client.post("/v1/chat/completions", SimClient.chat(MODEL, "hi", 2, false),
                "x-sim-fail", "slow");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(2000));
    }

    @Test
    void badInputGetsA400InTheOpenAiShape() throws Exception {
        String[][] cases = {
            {"{\"model\":", "not valid JSON", null},
            {"[1,2]", "must be a JSON object", null},
            {"{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", "'model'", "model"},
            {"{\"model\":\"" + MODEL + "\"}", "'messages'", "messages"},
            {"{\"model\":42,\"messages\":[]}", "expected a string", "model"},
            {"{\"model\":\"" + MODEL + "\",\"messages\":\"hi\"}", "non-empty array", "messages"},
            {"{\"model\":\"" + MODEL + "\",\"messages\":[{\"role\":\"wizard\",\"content\":\"hi\"}]}", "role must be", "messages[0].role"},
            {"{\"model\":\"" + MODEL + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"max_tokens\":-5}", "at least 1", "max_tokens"},
            {"{\"model\":\"" + MODEL + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"max_tokens\":\"5\"}", "an integer", "max_tokens"},
            {"{\"model\":\"" + MODEL + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"stream\":\"yes\"}", "a boolean", "stream"},
            {"{\"model\":\"" + MODEL + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"max_tokens\":99999}", "too large", "max_tokens"},
            {"{\"model\":\"" + MODEL + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"n\":3}", "n must be 1", "n"},
        };
        for (String[] c : cases) {
            HttpResponse<String> r = client.post("/v1/chat/completions", c[0]);
            assertThat(r.statusCode()).as(c[0]).isEqualTo(400);
            JsonNode error = SimClient.json(r.body()).path("error");
            assertThat(error.path("type").asText()).isEqualTo("invalid_request_error");
            assertThat(error.path("message").asText()).as(c[0]).contains(c[1]);
            if (c[2] != null) {
                assertThat(error.path("param").asText()).as(c[0]).isEqualTo(c[2]);
            }
        }
    }

    @Test
    void unknownModelsPathsAndMethodsAndOverlongPrompts() throws Exception {
        HttpResponse<String> model = client.post("/v1/chat/completions", SimClient.chat("gpt-9", "hi", 2, false));
        assertThat(model.statusCode()).isEqualTo(404);
        assertThat(SimClient.json(model.body()).path("error").path("code").asText()).isEqualTo("model_not_found");

        assertThat(client.post("/v1/nothing", "{}").statusCode()).isEqualTo(404);
        assertThat(client.get("/v1/chat/completions").statusCode()).isEqualTo(405);

        HttpResponse<String> tooLong = client.post("/v1/completions",
                "{\"model\":\"" + MODEL + "\",\"prompt\":\"" + " word".repeat(17_000) + "\"}");
        assertThat(tooLong.statusCode()).isEqualTo(400);
        assertThat(SimClient.json(tooLong.body()).path("error").path("message").asText())
                .contains("maximum context length is 16384 tokens");
    }

    @Test
    void scriptedResponsesCheckTheRequestAndReplayExactBytes() throws Exception {
        String script = "{\"expect\":{\"path\":\"/v1/messages\",\"headers\":{\"x-api-key\":\"k\"},"
                + "\"body\":{\"model\":\"claude\",\"max_tokens\":10}},"
                + "\"headers\":{\"content-type\":\"text/event-stream\"},"
                + "\"sse\":[{\"event\":\"message_start\",\"data\":{\"type\":\"message_start\"}},{\"event\":\"ping\",\"data\":\"{}\"}]}";
        HttpResponse<String> ok = client.post("/v1/messages", "{\"model\":\"claude\",\"max_tokens\":10,\"extra\":1}",
                "x-sim-script", script, "x-api-key", "k");
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(ok.body()).isEqualTo("event: message_start\ndata: {\"type\":\"message_start\"}\n\nevent: ping\ndata: {}\n\n");

        HttpResponse<String> wrong = client.post("/v1/messages", "{\"model\":\"gpt\"}", "x-sim-script", script);
        assertThat(wrong.statusCode()).isEqualTo(417);
        assertThat(SimClient.json(wrong.body()).path("error").path("message").asText())
                .contains("header x-api-key", "body.model should be \"claude\"", "body.max_tokens missing");

        String raw = java.util.Base64.getEncoder().encodeToString(
                "{\"status\":201,\"chunks\":[\"da\",\"ta: x\\n\\n\"],\"headers\":{\"x-a\":\"b\"}}".getBytes());
        HttpResponse<String> chunks = client.post("/anything", "{}", "x-sim-script", raw);
        assertThat(chunks.statusCode()).isEqualTo(201);
        assertThat(chunks.headers().firstValue("x-a")).hasValue("b");
        assertThat(chunks.body()).isEqualTo("data: x\n\n");

        HttpResponse<String> repeated = client.post("/anything", "{}", "x-sim-script",
                "{\"sse\":[{\"data\":\"a\"},{\"data\":\"b\"}],\"repeat\":3}");
        assertThat(repeated.body()).isEqualTo("data: a\n\ndata: b\n\n".repeat(3));
    }

    @Test
    void kvUsageComesFromBlockAccountingWhileRequestsRun() throws Exception {
        // a real-time engine: 200 tokens at ~7 ms a step keep the sequence running for over a second
        try (SimServer slow = SimServer.start(SimConfig.defaults().withEndpoints(0, 1)
                .withEngine(EngineConfig.defaults().withTimeScale(1)))) {
            SimClient c = new SimClient(slow.addresses().get(0).getPort());
            var pending = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                try {
                    return c.post("/v1/completions", "{\"model\":\"" + MODEL + "\",\"prompt\":\"" + "abc ".repeat(3000)
                            + "\",\"max_tokens\":200,\"ignore_eos\":true}");
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            await().atMost(Duration.ofSeconds(10)).until(() -> c.metric(NUM_REQUESTS_RUNNING) == 1.0);
            // chunked prefill allocates the prompt 2,048 tokens (128 blocks) a step, so the first look may see part
            // of it; once the prompt is in, 3001 prompt tokens + up to 200 generated = 188..201 blocks of 26,880
            assertThat(c.metric(KV_CACHE_USAGE_PERC)).isBetween(128 / 26880.0, 201 / 26880.0);
            await().atMost(Duration.ofSeconds(5)).until(() -> c.metric(KV_CACHE_USAGE_PERC) >= 188 / 26880.0);
            assertThat(c.metric(KV_CACHE_USAGE_PERC)).isLessThanOrEqualTo(201 / 26880.0);
            assertThat(c.metric(NUM_REQUESTS_RUNNING)).isEqualTo(1.0);
            assertThat(pending.get().statusCode()).isEqualTo(200);
            await().atMost(Duration.ofSeconds(5)).until(() -> c.metric(KV_CACHE_USAGE_PERC) == 0.0);
        }
    }

    @Test
    void aFullWaitingQueueAnswers429() throws Exception {
        EngineConfig tight = EngineConfig.defaults().withLimits(1, 2048, 1, 1, 16_384).withTimeScale(0.05);
        try (SimServer s = SimServer.start(SimConfig.defaults().withEndpoints(0, 1).withEngine(tight))) {
            SimClient c = new SimClient(s.addresses().get(0).getPort());
            String body = SimClient.chat(MODEL, "hold the slot", 100, false);
            List<java.util.concurrent.CompletableFuture<HttpResponse<String>>> held = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                held.add(java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                    try {
                        return c.post("/v1/chat/completions", body);
                    } catch (Exception e) {
                        return null;
                    }
                }));
                int expectedQueued = i + 1;
                await().atMost(Duration.ofSeconds(10)).until(() ->
                        c.metric(NUM_REQUESTS_RUNNING) + c.metric(NUM_REQUESTS_WAITING) == expectedQueued);
            }
            HttpResponse<String> third = c.post("/v1/chat/completions", body);
            assertThat(third.statusCode()).isEqualTo(429);
            assertThat(SimClient.json(third.body()).path("error").path("message").asText()).contains("queue is full");
        }
    }

    @Test
    void manyEndpointsEachWithItsOwnPortAndEngine() throws Exception {
        try (SimServer pool = SimServer.start(SimConfig.defaults().withEndpoints(0, 3)
                .withEngine(EngineConfig.defaults().withTimeScale(0)))) {
            assertThat(pool.addresses()).hasSize(3);
            for (int i = 0; i < 3; i++) {
                int port = pool.addresses().get(i).getPort();
                HttpResponse<String> r = new SimClient(port).post("/v1/chat/completions", SimClient.chat(MODEL, "hi", 2, false));
                assertThat(r.headers().firstValue("x-inference-pod")).hasValue("sim-" + i);
                assertThat(r.headers().firstValue("x-inference-port")).hasValue(String.valueOf(port));
            }
            assertThat(pool.engine(0)).isNotSameAs(pool.engine(1));
        }
    }

    @Test
    void aFailureRateFailsThatShareOfRequests() throws Exception {
        try (SimServer failing = SimServer.start(SimConfig.defaults().withEndpoints(0, 1)
                .withEngine(EngineConfig.defaults().withTimeScale(0)).withFailures(1.0, List.of("503"), 0))) {
            SimClient c = new SimClient(failing.addresses().get(0).getPort());
            for (int i = 0; i < 5; i++) {
                assertThat(c.post("/v1/chat/completions", SimClient.chat(MODEL, "hi", 2, false)).statusCode()).isEqualTo(503);
            }
        }
    }

    @Test
    void anOversizedBodyGets413() throws Exception {
        try (SimServer small = SimServer.start(SimConfig.defaults().withEndpoints(0, 1).withMaxBodyBytes(4096)
                .withEngine(EngineConfig.defaults().withTimeScale(0)))) {
            HttpResponse<String> r = new SimClient(small.addresses().get(0).getPort())
                    .post("/v1/chat/completions", SimClient.chat(MODEL, "x".repeat(10_000), 2, false));
            assertThat(r.statusCode()).isEqualTo(413);
            assertThat(SimClient.json(r.body()).path("error").path("message").asText()).contains("4096 bytes");
        }
    }
}
