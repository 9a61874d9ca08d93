package dev.switchboard.extproc;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import dev.switchboard.core.config.ConfigLoader;
import dev.switchboard.core.config.SecurityPolicy;
import dev.switchboard.policy.Quota;
import dev.switchboard.policy.auth.KeyFile;
import dev.switchboard.policy.auth.KeyRecord;
import dev.switchboard.policy.auth.ServerSecret;
import dev.switchboard.policy.auth.VirtualKey;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Client authentication in the ext_proc stream (a ClientAuth document with virtual keys): refusals are Envoy
 * immediate responses in the caller's API shape, sent at the request headers; an authenticated request goes on
 * without its credential headers and with its principal in dynamic metadata, for Envoy's access log.
 */
class ClientAuthIT {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String ANTHROPIC_KEY = "sk-ant-extproc-auth-test-key";
    static final String CLAUDE = "claude-sonnet-4-5";
    static final List<String> CREDENTIAL_HEADERS = List.of("authorization", "x-api-key", "api-key", "x-goog-api-key");
    @TempDir
    static Path dir;
    static ExtProcFixture f;
    static String good;
    static String goodId;
    static String onlyOther;
    static String revoked;

    @BeforeAll
    static void start() throws Exception {
        Path secretFile = Files.writeString(dir.resolve("secret"), "0123456789abcdef0123456789abcdef-extproc-secret");
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
                new KeyRecord(a.id(), secret.hashHex(a.key()), Map.of("team", "search", "user", "ana"), Set.of(),
                        Set.of(), Quota.NONE, now, null, false),
                new KeyRecord(b.id(), secret.hashHex(b.key()), Map.of(), Set.of("some-other-model"), Set.of(),
                        Quota.NONE, now, null, false),
                new KeyRecord(c.id(), secret.hashHex(c.key()), Map.of(), Set.of(), Set.of(), Quota.NONE, now, null,
                        true)));
        Path anthropicKey = Files.writeString(dir.resolve("anthropic.key"), ANTHROPIC_KEY + "\n");
        f = ExtProcFixture.startWith(String.join("---\n", CLIENT_AUTH, """
                apiVersion: aigateway.envoyproxy.io/v1beta1
                kind: AIGatewayRoute
                metadata: {name: main}
                spec:
                  rules:
                  - name: claude
                    matches: [{headers: [{name: x-ai-eg-model, value: %s}]}]
                    backendRefs: [{name: claude}]
                """.formatted(CLAUDE), TranslationIT.backend("claude", "Anthropic", "api.anthropic.example"), """
                apiVersion: aigateway.envoyproxy.io/v1beta1
                kind: BackendSecurityPolicy
                metadata: {name: claude-key}
                spec:
                  targetRefs: [{name: claude}]
                  type: AnthropicAPIKey
                  anthropicAPIKey: {file: %s}
                """.formatted(anthropicKey)), dir);
    }

    static final String CLIENT_AUTH = """
            apiVersion: switchboard.dev/v1alpha1
            kind: ClientAuth
            metadata: {name: clients}
            spec:
              virtualKeys: {file: keys.json, secret: {file: secret}}
            """;

    @AfterAll
    static void stop() throws Exception {
        f.close();
    }

    /** A stream's request headers (a body to come); the immediate response when the processor refuses at once. */
    static FakeEnvoy.Forwarded headersOnlyAnswer(String pool, String path, Map<String, String> headers)
            throws Exception {
        FakeEnvoy.Stream s = f.envoy.open(pool);
        s.requestHeaders(FakeEnvoy.post(path, headers), false, null);
        FakeEnvoy.Forwarded fw = s.forwarded();
        s.awaitEnd(); // a refusal ends the stream: nothing is forwarded, no body is waited for
        return fw;
    }

    static FakeEnvoy.Forwarded post(String pool, String path, Map<String, String> headers, byte[] body)
            throws Exception {
        FakeEnvoy.Stream s = f.envoy.open(pool);
        s.requestHeaders(FakeEnvoy.post(path, headers), false, null);
        s.requestBody(body, 16 * 1024, true);
        FakeEnvoy.Forwarded fw = s.forwarded();
        s.halfClose();
        return fw;
    }

    static JsonNode error(FakeEnvoy.Forwarded fw, int status) throws Exception {
        assertThat(fw.immediate()).as("refused with an immediate response").isNotNull();
        assertThat(fw.status()).isEqualTo(status);
        return JSON.readTree(fw.immediateBody());
    }

    static Map<String, String> bearer(String key) {
        return Map.of("authorization", "Bearer " + key);
    }

    static byte[] messages(String model) {
        return ("{\"model\":\"" + model + "\",\"max_tokens\":4,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                .getBytes(StandardCharsets.UTF_8);
    }

    static Map<String, Value> lb(Struct metadata) {
        return metadata.getFieldsOrThrow("envoy.lb").getStructValue().getFieldsMap();
    }

    @Test
    void noKeyIsRefused401AtTheHeadersInTheCallersShapeWithWwwAuthenticate() throws Exception {
        FakeEnvoy.Forwarded openAi = headersOnlyAnswer("sims", "/v1/chat/completions", Map.of());
        JsonNode body = error(openAi, 401);
        assertThat(body.path("error").path("code").asText()).isEqualTo("missing_credentials");
        assertThat(body.path("error").path("message").asText()).contains("Authorization: Bearer");
        assertThat(openAi.immediateHeaders()).containsEntry("www-authenticate", "Bearer realm=\"switchboard\"")
                .containsEntry("content-type", "application/json");

        FakeEnvoy.Forwarded anthropic = headersOnlyAnswer(null, "/v1/messages", Map.of());
        JsonNode a = error(anthropic, 401);
        assertThat(a.path("type").asText()).as(a.toString()).isEqualTo("error");
        assertThat(a.path("error").path("type").asText()).isEqualTo("authentication_error");
        assertThat(a.path("error").path("message").asText()).contains("no credentials");
        assertThat(anthropic.immediateHeaders()).containsEntry("www-authenticate", "Bearer realm=\"switchboard\"");
    }

    @Test
    void aWrongARevokedAndAQueryStringKeyAreRefused401() throws Exception {
        String wrongSecret = good.substring(0, good.length() - 2) + (good.endsWith("xx") ? "yy" : "xx");
        FakeEnvoy.Forwarded wrong = headersOnlyAnswer("sims", "/v1/chat/completions", bearer(wrongSecret));
        assertThat(error(wrong, 401).path("error").path("code").asText()).isEqualTo("invalid_key");
        assertThat(wrong.immediateHeaders().get("www-authenticate")).contains("error=\"invalid_token\"");
        assertThat(wrong.immediateBody()).doesNotContain(good.substring(good.length() - 10));

        FakeEnvoy.Forwarded gone = headersOnlyAnswer("sims", "/v1/chat/completions", bearer(revoked));
        assertThat(error(gone, 401).path("error").path("code").asText()).isEqualTo("key_revoked");

        // beside a good header, too: the key in the URL is exposed whatever else the request carries
        FakeEnvoy.Forwarded query = headersOnlyAnswer("sims", "/v1/chat/completions?key=" + good, bearer(good));
        assertThat(error(query, 401).path("error").path("code").asText()).isEqualTo("credential_in_query");
        assertThat(query.immediateBody()).doesNotContain(good);
    }

    @Test
    void aValidKeyIsPickedWithoutItsCredentialHeadersAndItsPrincipalInMetadata() throws Exception {
        FakeEnvoy.Forwarded fw = post("sims", "/v1/chat/completions",
                Map.of("authorization", "Bearer " + good, "x-api-key", good),
                ExtProcFixture.chat(ExtProcFixture.MODEL, "hello"));
        assertThat(fw.immediate()).as("not refused").isNull();
        assertThat(f.simAddresses()).contains(fw.destination());
        assertThat(fw.removed()).containsAll(CREDENTIAL_HEADERS);
        assertThat(fw.set().keySet()).doesNotContainAnyElementsOf(CREDENTIAL_HEADERS);
        Map<String, Value> lb = lb(fw.metadata());
        assertThat(lb.get("x-gateway-destination-endpoint").getStringValue()).isEqualTo(fw.destination());
        assertThat(lb.get("principal").getStringValue()).isEqualTo(goodId);
        assertThat(lb.get("principal.team").getStringValue()).isEqualTo("search");
        assertThat(lb.get("principal.user").getStringValue()).isEqualTo("ana");
        assertThat(fw.metadata().toString()).doesNotContain(good.substring(goodId.length() + 7));
        assertThat(f.upstream(fw, "/v1/chat/completions").statusCode()).isEqualTo(200);
    }

    @Test
    void aRequestWithoutABodyIsAuthenticatedTooAndItsRandomPickCarriesThePrincipal() throws Exception {
        FakeEnvoy.Stream refused = f.envoy.open("sims");
        refused.requestHeaders(Map.of(":method", "GET", ":path", "/v1/models"), true, null);
        assertThat(refused.next().getImmediateResponse().getStatus().getCodeValue()).isEqualTo(401);

        FakeEnvoy.Stream s = f.envoy.open("sims");
        s.requestHeaders(Map.of(":method", "GET", ":path", "/v1/models", "authorization", "Bearer " + good), true,
                null);
        FakeEnvoy.Forwarded fw = s.forwarded();
        s.halfClose();
        assertThat(f.simAddresses()).contains(fw.destination());
        assertThat(fw.removed()).containsAll(CREDENTIAL_HEADERS);
        assertThat(lb(fw.metadata()).get("principal").getStringValue()).isEqualTo(goodId);
    }

    @Test
    void aTranslatedRequestLosesTheClientsKeyButKeepsTheBackendsOwn() throws Exception {
        FakeEnvoy.Forwarded fw = post(null, "/v1/chat/completions", bearer(good), ExtProcFixture.chat(CLAUDE, "hi"));
        assertThat(fw.immediate()).as("not refused").isNull();
        assertThat(fw.set()).containsEntry("x-api-key", ANTHROPIC_KEY).containsEntry("x-switchboard-backend", "claude")
                .containsEntry(":path", "/v1/messages");
        assertThat(fw.removed()).contains("authorization", "api-key", "x-goog-api-key").doesNotContain("x-api-key");
        assertThat(lb(fw.metadata()).get("principal").getStringValue()).isEqualTo(goodId);
    }

    @Test
    void aValidKeyForAnotherModelIsRefused403InTheCallersShape() throws Exception {
        FakeEnvoy.Forwarded pooled = post("sims", "/v1/chat/completions", bearer(onlyOther),
                ExtProcFixture.chat(ExtProcFixture.MODEL, "hello"));
        JsonNode e = error(pooled, 403).path("error");
        assertThat(e.path("code").asText()).isEqualTo("model_not_allowed");
        assertThat(e.path("type").asText()).isEqualTo("permission_error");
        assertThat(e.path("message").asText()).startsWith("This key may not use model '" + ExtProcFixture.MODEL + "';");

        FakeEnvoy.Forwarded translated = post(null, "/v1/messages", Map.of("x-api-key", onlyOther), messages(CLAUDE));
        JsonNode a = error(translated, 403);
        assertThat(a.path("error").path("type").asText()).as(a.toString()).isEqualTo("permission_error");
        assertThat(a.path("error").path("message").asText())
                .startsWith("This key may not use model '" + CLAUDE + "' through route 'claude';");
    }

    @Test
    void aCallWithAuthOffIsNotAuthenticatedForASecondFilterAfterTheOneThatWas() throws Exception {
        FakeEnvoy.Stream s = f.envoy.openWith(Map.of("x-switchboard-pool", "sims", "x-switchboard-auth", "off"));
        s.requestHeaders(FakeEnvoy.post("/v1/chat/completions", Map.of()), false, null);
        s.requestBody(ExtProcFixture.chat(ExtProcFixture.MODEL, "hello"), 16 * 1024, true);
        FakeEnvoy.Forwarded fw = s.forwarded();
        s.halfClose();
        assertThat(fw.immediate()).as("not refused").isNull();
        assertThat(f.simAddresses()).contains(fw.destination());
        assertThat(lb(fw.metadata())).doesNotContainKey("principal");
        assertThat(fw.removed()).doesNotContain("authorization");
    }

    @Test
    void aReloadThatAddsLimitsAndGuardrailsIsAppliedAndKeepsAuthenticating() throws Exception {
        String limits = """
                apiVersion: switchboard.dev/v1alpha1
                kind: RateLimitPolicy
                metadata: {name: limits}
                spec:
                  models:
                  - {name: some-unused-model, requestsPerMinute: 1}
                """;
        // f.yaml holds the ClientAuth document the fixture runs with
        f.server.apply(ConfigLoader.parse(f.yaml + "---\n" + limits, "reloaded.yaml", dir));
        assertThat(error(headersOnlyAnswer("sims", "/v1/chat/completions", Map.of()), 401)
                .path("error").path("code").asText()).isEqualTo("missing_credentials");
        FakeEnvoy.Forwarded fw = post("sims", "/v1/chat/completions", bearer(good),
                ExtProcFixture.chat(ExtProcFixture.MODEL, "hello"));
        assertThat(fw.immediate()).as("a model no limit names is not refused").isNull();
        f.server.apply(ConfigLoader.parse(f.yaml, "restored.yaml", dir));
    }
}
