package dev.switchboard.extproc;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.core.config.ConfigLoader;
import dev.switchboard.providers.eventstream.EventStreamEncoder;
import dev.switchboard.providers.wire.ByteSink;
import io.envoyproxy.envoy.config.core.v3.HeaderValueOption;
import io.envoyproxy.envoy.service.ext_proc.v3.CommonResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Translation inside the ext_proc stream: requests on AIGatewayRoute rules whose backends are AIServiceBackends of
 * another API family get their path, headers and body rewritten and their credential injected, and the response
 * comes back translated chunk by chunk, as Envoy would apply the processor's answers.
 */
class TranslationIT {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String ANTHROPIC_KEY = "sk-ant-extproc-test-key";
    @TempDir
    static Path dir;
    static ExtProcServer server;
    static FakeEnvoy envoy;

    @BeforeAll
    static void start() throws Exception {
        Path key = Files.writeString(dir.resolve("anthropic.key"), ANTHROPIC_KEY + "\n");
        Path aws = Files.writeString(dir.resolve("aws-credentials"), """
                [default]
                aws_access_key_id = AKIDEXAMPLE
                aws_secret_access_key = wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY
                """);
        String yaml = String.join("---\n", """
                apiVersion: aigateway.envoyproxy.io/v1beta1
                kind: AIGatewayRoute
                metadata: {name: main}
                spec:
                  rules:
                  - name: claude
                    matches: [{headers: [{name: x-ai-eg-model, value: claude-sonnet-4-5}]}]
                    backendRefs: [{name: claude}]
                  - name: bedrock
                    matches: [{headers: [{name: x-ai-eg-model, value: anthropic.claude-3-haiku}]}]
                    backendRefs: [{name: bedrock}]
                """, backend("claude", "Anthropic", "api.anthropic.example"),
                backend("bedrock", "AWSBedrock", "bedrock-runtime.us-east-1.example"), """
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
        server = ExtProcServer.start(ExtProcSettings.defaults(0, 0).withHost("127.0.0.1"),
                ConfigLoader.parse(yaml, "translation.yaml", dir));
        envoy = new FakeEnvoy(server.port());
    }

    static String backend(String name, String schema, String host) {
        return """
                apiVersion: aigateway.envoyproxy.io/v1beta1
                kind: AIServiceBackend
                metadata: {name: %1$s}
                spec: {schema: {name: %2$s}, backendRef: {name: %1$s}}
                ---
                apiVersion: gateway.envoyproxy.io/v1alpha1
                kind: Backend
                metadata: {name: %1$s}
                spec: {endpoints: [{fqdn: {hostname: %3$s, port: 443}}]}
                """.formatted(name, schema, host);
    }

    @AfterAll
    static void stop() throws Exception {
        envoy.close();
        server.close();
    }

    @Test
    void anOpenAiStreamToAnAnthropicBackendIsRewrittenKeyedAndTranslatedBackChunkByChunk() throws Exception {
        FakeEnvoy.Stream s = envoy.open(null);
        s.requestHeaders(FakeEnvoy.post("/v1/chat/completions", Map.of("authorization", "Bearer client-key")),
                false, null);
        s.requestBody(bytes("{\"model\":\"claude-sonnet-4-5\",\"stream\":true,\"max_tokens\":100,"
                + "\"messages\":[{\"role\":\"system\",\"content\":\"You are terse.\"},"
                + "{\"role\":\"user\",\"content\":\"Hello, Claude\"}]}"), 16, true);
        FakeEnvoy.Forwarded fw = s.forwarded();
        assertThat(fw.set()).containsEntry(":path", "/v1/messages").containsEntry("x-api-key", ANTHROPIC_KEY)
                .containsEntry("anthropic-version", "2023-06-01").containsEntry("x-switchboard-backend", "claude")
                .containsEntry("x-ai-eg-model", "claude-sonnet-4-5").containsEntry(":authority", "api.anthropic.example:443") // no TLS configured: not the default port
                .containsEntry("content-length", Integer.toString(fw.body().length));
        assertThat(fw.removed()).contains("authorization").doesNotContain("x-api-key");
        assertThat(fw.clearRouteCache()).isTrue();
        JsonNode body = JSON.readTree(fw.body());
        assertThat(body.path("model").asText()).isEqualTo("claude-sonnet-4-5");
        assertThat(body.path("system").asText()).as(body.toString()).isEqualTo("You are terse.");
        assertThat(body.path("max_tokens").asInt()).isEqualTo(100);
        assertThat(body.path("stream").asBoolean()).isTrue();
        assertThat(body.path("messages").get(0).path("content").toString()).contains("Hello, Claude");

        s.responseHeaders(Map.of(":status", "200", "content-type", "text/event-stream", "content-length", "999"),
                false, null);
        CommonResponse head = s.next().getResponseHeaders().getResponse();
        assertThat(set(head)).containsEntry("content-type", "text/event-stream");
        assertThat(head.getHeaderMutation().getRemoveHeadersList()).contains("content-length", "content-encoding");

        byte[] sse = bytes("""
                event: message_start
                data: {"type":"message_start","message":{"id":"msg_1","type":"message","role":"assistant","content":[],"model":"claude-sonnet-4-5","stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":25,"output_tokens":1}}}

                event: content_block_start
                data: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}

                event: ping
                data: {"type": "ping"}

                event: content_block_delta
                data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hello"}}

                event: content_block_delta
                data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":" there"}}

                event: content_block_stop
                data: {"type":"content_block_stop","index":0}

                event: message_delta
                data: {"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"output_tokens":15}}

                event: message_stop
                data: {"type":"message_stop"}

                """);
        for (int from = 0; from < sse.length; from += 7) {
            int to = Math.min(sse.length, from + 7);
            s.responseBody(Arrays.copyOfRange(sse, from, to), to == sse.length);
        }
        FakeEnvoy.Relayed out = s.relayed();
        assertThat(out.chunkSizes().stream().filter(n -> n > 0).count()).as("translated as it arrived")
                .isGreaterThan(3);
        StringBuilder text = new StringBuilder();
        List<String> data = new ArrayList<>();
        for (String line : out.text().split("\n")) {
            if (line.startsWith("data: ")) {
                data.add(line.substring(6));
            }
        }
        assertThat(data.get(data.size() - 1)).isEqualTo("[DONE]");
        String finish = null;
        for (String d : data.subList(0, data.size() - 1)) {
            JsonNode chunk = JSON.readTree(d);
            assertThat(chunk.path("object").asText()).isEqualTo("chat.completion.chunk");
            assertThat(chunk.path("model").asText()).isEqualTo("claude-sonnet-4-5");
            for (JsonNode c : chunk.path("choices")) {
                text.append(c.path("delta").path("content").asText(""));
                if (!c.path("finish_reason").isNull() && !c.path("finish_reason").isMissingNode()) {
                    finish = c.path("finish_reason").asText();
                }
            }
        }
        assertThat(text.toString()).isEqualTo("Hello there");
        assertThat(finish).isEqualTo("stop");
        assertThat(out.text()).endsWith("data: [DONE]\n\n");
        s.halfClose();
        s.awaitEnd();
        String metrics = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create("http://127.0.0.1:" + server.adminPort() + "/metrics")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString()).body();
        assertThat(metrics).as("the translated answer's usage, under its backend and provider").contains(
                "gen_ai_client_token_usage_sum{gen_ai_provider_name=\"anthropic\",gen_ai_token_type=\"output\","
                        + "inference_pool=\"\",switchboard_backend=\"claude\"} 15.0");
        assertThat(metrics).doesNotContain(ANTHROPIC_KEY);
    }

    @Test
    void anAnthropicStreamToBedrockIsSignedAndItsEventStreamComesBackAsAnthropicSse() throws Exception {
        FakeEnvoy.Stream s = envoy.open(null);
        s.requestHeaders(FakeEnvoy.post("/v1/messages", Map.of("x-api-key", "client-key")), false, null);
        s.requestBody(bytes("{\"model\":\"anthropic.claude-3-haiku\",\"max_tokens\":50,\"stream\":true,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"), 4096, true);
        FakeEnvoy.Forwarded fw = s.forwarded();
        assertThat(fw.set()).containsEntry(":path", "/model/anthropic.claude-3-haiku/converse-stream")
                .containsEntry("x-switchboard-backend", "bedrock").containsKey("x-amz-date")
                .containsKey("x-amz-content-sha256");
        assertThat(fw.set().get("authorization")).startsWith("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/")
                .contains("/us-east-1/bedrock/aws4_request").contains("SignedHeaders=content-type;host;x-amz-");
        assertThat(fw.removed()).contains("x-api-key").doesNotContain("authorization");
        JsonNode body = JSON.readTree(fw.body());
        assertThat(body.has("model")).isFalse();
        assertThat(body.path("inferenceConfig").path("maxTokens").asInt()).isEqualTo(50);
        assertThat(body.path("messages").get(0).path("content").get(0).path("text").asText()).isEqualTo("hi");

        s.responseHeaders(Map.of(":status", "200", "content-type", "application/vnd.amazon.eventstream"), false,
                null);
        assertThat(set(s.next().getResponseHeaders().getResponse())).containsEntry("content-type",
                "text/event-stream");
        ByteSink frames = new ByteSink();
        EventStreamEncoder enc = new EventStreamEncoder();
        for (String[] e : new String[][] {
                {"messageStart", "{\"role\":\"assistant\"}"},
                {"contentBlockDelta", "{\"contentBlockIndex\":0,\"delta\":{\"text\":\"Hi\"}}"},
                {"contentBlockDelta", "{\"contentBlockIndex\":0,\"delta\":{\"text\":\" from Bedrock\"}}"},
                {"contentBlockStop", "{\"contentBlockIndex\":0}"},
                {"messageStop", "{\"stopReason\":\"end_turn\"}"},
                {"metadata", "{\"usage\":{\"inputTokens\":9,\"outputTokens\":4,\"totalTokens\":13},"
                        + "\"metrics\":{\"latencyMs\":120}}"}}) {
            byte[] json = bytes(e[1]);
            enc.event(frames, e[0], json, 0, json.length);
        }
        byte[] all = frames.toByteArray();
        for (int from = 0; from < all.length; from += 37) { // frames split across chunks anywhere
            int to = Math.min(all.length, from + 37);
            s.responseBody(Arrays.copyOfRange(all, from, to), to == all.length);
        }
        String sse = s.relayed().text();
        List<String> events = new ArrayList<>();
        StringBuilder text = new StringBuilder();
        for (String line : sse.split("\n")) {
            if (line.startsWith("event: ")) {
                events.add(line.substring(7));
            } else if (line.startsWith("data: ")) {
                JsonNode d = JSON.readTree(line.substring(6));
                text.append(d.path("delta").path("text").asText(""));
            }
        }
        assertThat(events.get(0)).isEqualTo("message_start");
        assertThat(events).containsSubsequence("content_block_start", "content_block_delta", "content_block_stop",
                "message_delta", "message_stop");
        assertThat(events.get(events.size() - 1)).isEqualTo("message_stop");
        assertThat(text.toString()).isEqualTo("Hi from Bedrock");
        s.halfClose();
        s.awaitEnd();
    }

    @Test
    void aRequestTheBackendsApiCannotSayIsAnswered400InTheClientsOwnShape() throws Exception {
        FakeEnvoy.Stream s = envoy.open(null);
        s.requestHeaders(FakeEnvoy.post("/anthropic/v1/messages", Map.of()), false, null);
        s.requestBody(bytes("{\"model\":\"anthropic.claude-3-haiku\","
                + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"), 4096, true);
        FakeEnvoy.Forwarded fw = s.forwarded();
        assertThat(fw.immediate()).as("answered by the processor").isNotNull();
        assertThat(fw.status()).isEqualTo(400);
        JsonNode error = JSON.readTree(fw.immediateBody());
        assertThat(error.path("type").asText()).as(fw.immediateBody()).isEqualTo("error");
        assertThat(error.path("error").path("type").asText()).isEqualTo("invalid_request_error");
        assertThat(error.path("error").path("message").asText()).contains("max_tokens");
        s.awaitEnd();
    }

    @Test
    void theBackendEnvoyNamesPerAttemptIsTheOneTranslatedForAndAWholeAnswerComesAtItsEnd() throws Exception {
        FakeEnvoy.Stream s = envoy.open(null);
        // the rule for this model is Claude's, but Envoy's attempt went to Bedrock's cluster
        s.requestHeaders(FakeEnvoy.post("/v1/chat/completions", Map.of("x-switchboard-backend", "bedrock")), false,
                null);
        s.requestBody(bytes("{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":20,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"), 4096, true);
        FakeEnvoy.Forwarded fw = s.forwarded();
        assertThat(fw.set()).containsEntry(":path", "/model/claude-sonnet-4-5/converse")
                .containsEntry("x-switchboard-backend", "bedrock").doesNotContainKey("x-api-key");
        assertThat(fw.set().get("authorization")).startsWith("AWS4-HMAC-SHA256 ");

        s.responseHeaders(Map.of(":status", "200", "content-type", "application/json"), false, null);
        assertThat(set(s.next().getResponseHeaders().getResponse())).containsEntry("content-type",
                "application/json");
        byte[] converse = bytes("{\"output\":{\"message\":{\"role\":\"assistant\",\"content\":[{\"text\":\"Hello!\"}]}},"
                + "\"stopReason\":\"end_turn\",\"usage\":{\"inputTokens\":9,\"outputTokens\":4,\"totalTokens\":13},"
                + "\"metrics\":{\"latencyMs\":120}}");
        int half = converse.length / 2;
        s.responseBody(Arrays.copyOfRange(converse, 0, half), false);
        s.assertQuiet(200); // a whole body is translated once it is whole
        s.responseBody(Arrays.copyOfRange(converse, half, converse.length), true);
        JsonNode chat = JSON.readTree(s.relayed().body());
        assertThat(chat.path("object").asText()).isEqualTo("chat.completion");
        assertThat(chat.path("model").asText()).isEqualTo("claude-sonnet-4-5");
        assertThat(chat.path("choices").get(0).path("message").path("content").asText()).isEqualTo("Hello!");
        assertThat(chat.path("usage").path("prompt_tokens").asInt()).isEqualTo(9);
        s.halfClose();
        s.awaitEnd();
    }

    @Test
    void aBackendNameThatIsNoBackendIsRefused() throws Exception {
        FakeEnvoy.Stream s = envoy.open(null);
        s.requestHeaders(FakeEnvoy.post("/v1/chat/completions", Map.of("x-switchboard-backend", "nowhere")), false,
                null);
        s.requestBody(bytes("{\"model\":\"claude-sonnet-4-5\",\"messages\":[]}"), 4096, true);
        FakeEnvoy.Forwarded fw = s.forwarded();
        assertThat(fw.status()).isEqualTo(503);
        assertThat(fw.immediateBody()).contains("nowhere").contains("bedrock, claude");
        s.awaitEnd();
    }

    @Test
    void aModelNoRuleServesIsLeftToBodyBasedRouting() throws Exception {
        FakeEnvoy.Stream s = envoy.open(null);
        s.requestHeaders(FakeEnvoy.post("/v1/chat/completions", Map.of()), false, null);
        byte[] body = bytes("{\"model\":\"some-other-model\",\"messages\":[]}");
        s.requestBody(body, 4096, true);
        FakeEnvoy.Forwarded fw = s.forwarded();
        assertThat(fw.set()).containsEntry("x-ai-eg-model", "some-other-model").doesNotContainKey(":path")
                .doesNotContainKey("x-switchboard-backend");
        assertThat(fw.body()).isEqualTo(body);
        s.halfClose();
        s.awaitEnd();
    }

    @Test
    void aCallWithTranslationOffOnlyRoutesByBody() throws Exception {
        FakeEnvoy.Stream s = envoy.openWith(Map.of("x-switchboard-translate", "off"));
        s.requestHeaders(FakeEnvoy.post("/v1/chat/completions", Map.of("x-switchboard-backend", "bedrock")), false,
                null);
        byte[] body = bytes("{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":5,\"messages\":[]}");
        s.requestBody(body, 4096, true);
        FakeEnvoy.Forwarded fw = s.forwarded();
        assertThat(fw.set()).containsEntry("x-ai-eg-model", "claude-sonnet-4-5").doesNotContainKey(":path")
                .doesNotContainKey("authorization");
        assertThat(fw.body()).isEqualTo(body);
        s.halfClose();
        s.awaitEnd();
    }

    private static Map<String, String> set(CommonResponse r) {
        Map<String, String> out = new LinkedHashMap<>();
        for (HeaderValueOption o : r.getHeaderMutation().getSetHeadersList()) {
            out.put(o.getHeader().getKey(), o.getHeader().getRawValue().toStringUtf8());
        }
        return out;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
