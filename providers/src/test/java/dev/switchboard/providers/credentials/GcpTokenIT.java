package dev.switchboard.providers.credentials;

import dev.switchboard.testing.CapturedLogs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** GCP service-account tokens against a token endpoint on loopback, with time on a fake clock. */
class GcpTokenIT {
    static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    static final Function<String, String> NO_ENV = name -> null;

    @TempDir
    Path dir;
    final FakeClock clock = new FakeClock(T0);
    final FakeScheduler scheduler = new FakeScheduler(clock);
    final TokenServer server;
    final KeyPair keys;

    GcpTokenIT() throws Exception {
        server = new TokenServer();
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        keys = g.generateKeyPair();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    Path serviceAccountFile() throws Exception {
        String pem = "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                        .encodeToString(keys.getPrivate().getEncoded())
                + "\n-----END PRIVATE KEY-----\n";
        String json = TokenHttp.JSON.createObjectNode().put("type", "service_account").put("project_id", "p1")
                .put("private_key_id", "kid-1").put("private_key", pem)
                .put("client_email", "gw@p1.iam.gserviceaccount.com")
                .put("token_uri", server.uri("/token").toString()).toString();
        Path f = dir.resolve("service_account.json");
        Files.writeString(f, json);
        return f;
    }

    @Test
    void signsAJwtGetsATokenAndRefreshesItFiveMinutesBeforeExpiry() throws Exception {
        server.json(200, "{\"access_token\":\"ya29.first\",\"expires_in\":3599,\"token_type\":\"Bearer\"}")
                .json(200, "{\"access_token\":\"ya29.second\",\"expires_in\":3599,\"token_type\":\"Bearer\"}");
        try (CapturedLogs logs = new CapturedLogs("dev.switchboard.providers.credentials", "dev.switchboard.core.config");
                Credential c = Credentials.create(new CredentialSpec.GcpCredentials("p1", "us-central1",
                        serviceAccountFile(), null), clock, scheduler, NO_ENV)) {
            assertThat(c.ready()).isFalse();
            scheduler.runDue();
            assertThat(c.firstToken().toCompletableFuture()).isCompleted();
            assertThat(bearer(c)).isEqualTo("Bearer ya29.first");

            TokenServer.Received r = server.received().getFirst();
            assertThat(r.path()).isEqualTo("/token");
            assertThat(r.form()).containsEntry("grant_type", "urn:ietf:params:oauth:grant-type:jwt-bearer");
            String[] jwt = r.form().get("assertion").split("\\.");
            Signature rs256 = Signature.getInstance("SHA256withRSA");
            rs256.initVerify(keys.getPublic());
            rs256.update((jwt[0] + "." + jwt[1]).getBytes(StandardCharsets.US_ASCII));
            assertThat(rs256.verify(Base64.getUrlDecoder().decode(jwt[2]))).as("RS256 signature").isTrue();
            JsonNode header = TokenHttp.JSON.readTree(Base64.getUrlDecoder().decode(jwt[0]));
            assertThat(header.get("alg").asText()).isEqualTo("RS256");
            assertThat(header.get("kid").asText()).isEqualTo("kid-1");
            JsonNode claims = TokenHttp.JSON.readTree(Base64.getUrlDecoder().decode(jwt[1]));
            assertThat(claims.get("iss").asText()).isEqualTo("gw@p1.iam.gserviceaccount.com");
            assertThat(claims.get("scope").asText()).isEqualTo("https://www.googleapis.com/auth/cloud-platform");
            assertThat(claims.get("aud").asText()).isEqualTo(server.uri("/token").toString());
            assertThat(claims.get("iat").asLong()).isEqualTo(T0.getEpochSecond());
            assertThat(claims.get("exp").asLong()).isEqualTo(T0.getEpochSecond() + 3600);

            scheduler.advance(Duration.ofSeconds(3599 - 300 - 1));
            assertThat(bearer(c)).isEqualTo("Bearer ya29.first");
            scheduler.advance(Duration.ofSeconds(1));
            assertThat(bearer(c)).isEqualTo("Bearer ya29.second");
            assertThat(server.received()).hasSize(2);

            // the endpoint fails from now on: the second token is used until it expires, then the error shows
            for (int i = 0; i < 20; i++) {
                server.json(500, "{\"error\":\"internal_failure\",\"error_description\":\"try later\"}");
            }
            scheduler.advance(Duration.ofSeconds(3599 - 1));
            assertThat(bearer(c)).isEqualTo("Bearer ya29.second");
            scheduler.advance(Duration.ofSeconds(1));
            assertThat(c.ready()).isFalse();
            assertThatThrownBy(() -> c.apply(request()))
                    .isInstanceOf(CredentialsNotReadyException.class)
                    .hasMessageContaining("GCP access token for gw@p1.iam.gserviceaccount.com expired at")
                    .hasMessageEndingWith("and refreshing it failed: " + server.uri("/token")
                            + " answered 500: internal_failure (try later)")
                    .hasMessageNotContaining("ya29");
            String logged = logs.text();
            assertThat(logged).contains("internal_failure").doesNotContain("ya29").doesNotContain("PRIVATE KEY")
                    .doesNotContain(r.form().get("assertion"));
        }
    }

    @Test
    void theTokenUriCanBeOverriddenAndABadKeyFileFailsAtCreationWithoutItsContent() throws Exception {
        Path file = serviceAccountFile();
        server.json(200, "{\"access_token\":\"ya29.x\",\"expires_in\":3600,\"token_type\":\"Bearer\"}");
        try (Credential c = Credentials.create(new CredentialSpec.GcpCredentials("p1", "us-central1", file,
                server.uri("/override")), clock, scheduler, NO_ENV)) {
            scheduler.runDue();
            assertThat(bearer(c)).isEqualTo("Bearer ya29.x");
            assertThat(server.received().getFirst().path()).isEqualTo("/override");
        }
        Path bad = dir.resolve("bad.json");
        Files.writeString(bad, "{\"type\":\"service_account\",\"client_email\":\"a@b\",\"private_key\":\"sekrit\"}");
        assertThatThrownBy(() -> Credentials.create(new CredentialSpec.GcpCredentials("p1", "r", bad, null), clock,
                scheduler, NO_ENV))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(bad + ": the service-account file's private_key is not a PKCS#8 RSA key");
    }

    @Test
    void vertexLocationGivesThePathPrefix() {
        VertexLocation l = new CredentialSpec.GcpCredentials("my-proj", "europe-west4", null, null).location();
        assertThat(l.pathPrefix()).isEqualTo("/v1/projects/my-proj/locations/europe-west4");
        assertThat(l.host()).isEqualTo("europe-west4-aiplatform.googleapis.com");
    }

    static SignableRequest request() {
        return new SignableRequest("POST", "us-central1-aiplatform.googleapis.com", "/v1/x", Map.of(), new byte[0]);
    }

    static String bearer(Credential c) throws CredentialsNotReadyException {
        SignableRequest r = request();
        c.apply(r);
        return r.header("authorization");
    }
}
