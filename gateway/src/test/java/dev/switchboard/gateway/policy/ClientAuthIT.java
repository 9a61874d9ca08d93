package dev.switchboard.gateway.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.errors.UnauthorizedException;
import com.anthropic.models.messages.MessageCreateParams;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.errors.PermissionDeniedException;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.switchboard.core.config.ConfigLoader;
import dev.switchboard.core.config.SecurityPolicy;
import dev.switchboard.gateway.RawHttp;
import dev.switchboard.gateway.TestConfigs;
import dev.switchboard.gateway.admin.AccessLogCapture;
import dev.switchboard.gateway.server.GatewayServer;
import dev.switchboard.policy.Quota;
import dev.switchboard.policy.auth.KeyFile;
import dev.switchboard.policy.auth.KeyRecord;
import dev.switchboard.policy.auth.ServerSecret;
import dev.switchboard.policy.auth.VirtualKey;
import dev.switchboard.sim.SimConfig;
import dev.switchboard.sim.engine.EngineConfig;
import dev.switchboard.sim.server.SimServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Virtual keys in front of the gateway, over real sockets, with the OpenAI and Anthropic SDKs as clients. */
class ClientAuthIT {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String SIM = SimConfig.DEFAULT_MODEL;
    @TempDir
    static Path dir;
    static SimServer sims;
    static GatewayServer gateway;
    static String good;
    static String goodId;
    static String onlyOther;
    static String revoked;
    static final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        sims = SimServer.start(SimConfig.defaults().withEndpoints(0, 1).withEngine(EngineConfig.defaults().withTimeScale(0)));
        Path secretFile = Files.writeString(dir.resolve("secret"), "0123456789abcdef0123456789abcdef-test-secret");
        ServerSecret secret = ServerSecret.load(new SecurityPolicy.Secret(null, secretFile), name -> null);
        SecureRandom random = new SecureRandom();
        VirtualKey.Issued a = VirtualKey.generate(random);
        VirtualKey.Issued b = VirtualKey.generate(random);
        VirtualKey.Issued c = VirtualKey.generate(random);
        good = a.key();
        goodId = a.id();
        onlyOther = b.key();
        revoked = c.key();
        Instant now = Instant.now();
        KeyFile.write(dir.resolve("keys.json"), List.of(
                new KeyRecord(a.id(), secret.hashHex(a.key()), Map.of("team", "search"), Set.of(), Set.of(), Quota.NONE,
                        now, null, false),
                new KeyRecord(b.id(), secret.hashHex(b.key()), Map.of(), Set.of("some-other-model"), Set.of(), Quota.NONE,
                        now, null, false),
                new KeyRecord(c.id(), secret.hashHex(c.key()), Map.of(), Set.of(), Set.of(), Quota.NONE, now, null, true)));
        String yaml = TestConfigs.of(TestConfigs.gateway(""), TestConfigs.route("""
                  - name: sim
                    matches: [{headers: [{name: x-ai-eg-model, value: %s}]}]
                    backendRefs: [{name: sim}]
                """.formatted(SIM)), TestConfigs.backend("sim", sims.addresses().get(0).getPort()), """
                apiVersion: switchboard.dev/v1alpha1
                kind: ClientAuth
                metadata: {name: clients}
                spec:
                  virtualKeys: {file: keys.json, secret: {file: secret}}
                """);
        gateway = GatewayServer.start(ConfigLoader.parse(yaml, "auth.yaml", dir), 1);
    }

    @AfterAll
    static void stop() {
        if (gateway != null) {
            gateway.close();
        }
        sims.close();
    }

    static HttpResponse<String> chat(Map<String, String> headers, String query) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port()
                + "/v1/chat/completions" + (query == null ? "" : "?" + query)))
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"" + SIM + "\",\"max_tokens\":3,"
                        + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"));
        headers.forEach(b::header);
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aValidKeyIsServedAndNeverReachesTheUpstream() throws Exception {
        try (AccessLogCapture log = AccessLogCapture.install()) {
            assertThat(chat(Map.of("authorization", "Bearer " + good), null).statusCode()).isEqualTo(200);
            await().atMost(Duration.ofSeconds(5)).until(() -> !log.lines.isEmpty());
            JsonNode line = JSON.readTree(log.lines.getLast());
            assertThat(line.path("principal").asText()).isEqualTo(goodId);
            assertThat(line.path("principal_team").asText()).isEqualTo("search");
            assertThat(log.lines.toString()).doesNotContain(good);
        }
        var openai = OpenAIOkHttpClient.builder().baseUrl("http://127.0.0.1:" + gateway.port() + "/v1").apiKey(good)
                .maxRetries(0).timeout(Duration.ofSeconds(20)).build();
        var c = openai.chat().completions().create(ChatCompletionCreateParams.builder().model(SIM)
                .addUserMessage("hi").maxCompletionTokens(3).build());
        assertThat(c.choices().get(0).message().content()).isPresent();
        // the Anthropic SDK sends its key as x-api-key: the same key works there
        var anthropic = AnthropicOkHttpClient.builder().baseUrl("http://127.0.0.1:" + gateway.port()).apiKey(good)
                .maxRetries(0).timeout(Duration.ofSeconds(20)).build();
        assertThat(anthropic.messages().create(MessageCreateParams.builder().model(SIM).maxTokens(3)
                .addUserMessage("hi").build()).content()).isNotEmpty();
    }

    @Test
    void everyBypassIsRefusedInTheCallersShape() throws Exception {
        assertThat(chat(Map.of(), null).statusCode()).as("no key").isEqualTo(401);
        HttpResponse<String> wrong = chat(Map.of("authorization", "Bearer " + good.substring(0, good.length() - 2) + "xx"), null);
        assertThat(wrong.statusCode()).as("wrong secret").isEqualTo(401);
        assertThat(JSON.readTree(wrong.body()).path("error").path("code").asText()).isEqualTo("invalid_key");
        assertThat(wrong.body()).doesNotContain(good.substring(good.length() - 10));
        assertThat(chat(Map.of("authorization", "Bearer " + revoked), null).statusCode()).as("revoked").isEqualTo(401);
        assertThat(chat(Map.of(), "key=" + good).statusCode()).as("a key in the query string").isEqualTo(401);
        HttpResponse<String> twice = chat(Map.of("authorization", "Bearer " + good, "x-api-key", revoked), null);
        assertThat(twice.statusCode()).as("two different credentials").isEqualTo(401);
        assertThat(chat(Map.of("authorization", "Bearer " + good, "x-api-key", good), null).statusCode())
                .as("the same key twice is one key").isEqualTo(200);

        var anthropic = AnthropicOkHttpClient.builder().baseUrl("http://127.0.0.1:" + gateway.port()).apiKey("sk-sb-nope")
                .maxRetries(0).timeout(Duration.ofSeconds(20)).build();
        assertThatThrownBy(() -> anthropic.messages().create(MessageCreateParams.builder().model(SIM).maxTokens(3)
                .addUserMessage("hi").build())).isInstanceOf(UnauthorizedException.class);
    }

    @Test
    void aRefusedCredentialGetsAnAccessLogLineAndACountButNeverTheKey() throws Exception {
        String tampered = good.substring(0, good.length() - 2) + "xx";
        try (AccessLogCapture log = AccessLogCapture.install()) {
            HttpResponse<String> r = chat(Map.of("authorization", "Bearer " + tampered, "x-request-id", "tampered-1"),
                    null);
            assertThat(r.statusCode()).isEqualTo(401);
            assertThat(chat(Map.of("x-request-id", "in-query-1"), "key=" + good).statusCode()).isEqualTo(401);
            await().atMost(Duration.ofSeconds(5)).until(() -> log.lines.size() >= 2);
            JsonNode line = JSON.readTree(log.lines.stream().filter(l -> l.contains("tampered-1")).findFirst()
                    .orElseThrow());
            assertThat(line.path("status").asInt()).isEqualTo(401);
            assertThat(line.path("error").asText()).isEqualTo("invalid_key");
            assertThat(line.path("api").asText()).isEqualTo("/v1/chat/completions");
            assertThat(line.path("backend").isNull()).as("nothing was sent").isTrue();
            JsonNode query = JSON.readTree(log.lines.stream().filter(l -> l.contains("in-query-1")).findFirst()
                    .orElseThrow());
            assertThat(query.path("error").asText()).isEqualTo("credential_in_query");
            assertThat(log.lines.toString()).doesNotContain(good).doesNotContain(tampered)
                    .doesNotContain(good.substring(good.length() - 12));
        }
        String metrics = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.adminPort()
                + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
        assertThat(metrics).containsPattern("switchboard_governance_refusals_total\\{code=\"invalid_key\"} [1-9]");
        assertThat(metrics).doesNotContain(good.substring(good.length() - 12));
    }

    /**
     * Each request on a connection is authenticated on its own: one smuggled behind a good one (a chunked body that
     * ends early, with a Content-Length that says otherwise) is a request of its own and is refused, and a folded
     * or NUL-carrying credential header is refused, never read as the good key.
     */
    @Test
    void smuggledAndFoldedRequestsAreAuthenticatedOnTheirOwn() throws Exception {
        String chat = "{\"model\":\"" + SIM + "\",\"max_tokens\":3,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        String hidden = RawHttp.post("/v1/chat/completions", chat);
        String chunked = "POST /v1/chat/completions HTTP/1.1\r\nhost: gw\r\nauthorization: Bearer " + good
                + "\r\ncontent-type: application/json\r\ncontent-length: " + (5 + hidden.length())
                + "\r\ntransfer-encoding: chunked\r\n\r\n" + Integer.toHexString(chat.length()) + "\r\n" + chat
                + "\r\n0\r\n\r\n" + hidden;
        try (RawHttp raw = new RawHttp(gateway.port(), 10_000)) {
            raw.send(chunked);
            RawHttp.Response first = raw.read();
            // both framings at once is how smuggling starts: refused whole (RFC 9112 6.3), and nothing after it read
            assertThat(first.status()).as(first.body()).isEqualTo(400);
            assertThat(first.body()).contains("Content-Length");
            assertThat(raw.closedByServer()).as("the connection closes; the hidden request is never read").isTrue();
        }
        try (RawHttp raw = new RawHttp(gateway.port(), 10_000)) { // pipelined: each request answered on its own
            raw.send(RawHttp.post("/v1/chat/completions", chat, "authorization: Bearer " + good) + hidden);
            assertThat(raw.read().status()).isEqualTo(200);
            assertThat(raw.read().status()).as("the request pipelined behind it, without a key").isEqualTo(401);
        }
        for (String header : List.of("authorization: Bearer " + good + "\r\n x-api-key: " + revoked,
                "authorization: Bearer " + good.substring(0, 20) + "\u0000" + good.substring(20))) {
            try (RawHttp raw = new RawHttp(gateway.port(), 10_000)) {
                raw.send(RawHttp.post("/v1/chat/completions", chat, header));
                assertThat(raw.read().status()).as(header.replace(good, "<key>")).isIn(400, 401);
            }
        }
    }

    @Test
    void aModelOutsideTheKeysListIs403() {
        var openai = OpenAIOkHttpClient.builder().baseUrl("http://127.0.0.1:" + gateway.port() + "/v1")
                .apiKey(onlyOther).maxRetries(0).timeout(Duration.ofSeconds(20)).build();
        assertThatThrownBy(() -> openai.chat().completions().create(ChatCompletionCreateParams.builder().model(SIM)
                .addUserMessage("hi").maxCompletionTokens(3).build()))
                .isInstanceOf(PermissionDeniedException.class).hasMessageContaining("may not use model");
    }
}
