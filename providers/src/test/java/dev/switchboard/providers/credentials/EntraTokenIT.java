package dev.switchboard.providers.credentials;

import dev.switchboard.testing.CapturedLogs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Entra ID client credentials against a token endpoint on loopback, with time on a fake clock. */
class EntraTokenIT {
    static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    static final String CLIENT_SECRET = "Qx8Q~client-secret-value";

    @TempDir
    Path dir;
    final FakeClock clock = new FakeClock(T0);
    final FakeScheduler scheduler = new FakeScheduler(clock);
    final TokenServer server;

    EntraTokenIT() throws Exception {
        server = new TokenServer();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void aRefusedFirstFetchIsReportedWithoutTheSecretThenRetriedAndRefreshed() throws Exception {
        Function<String, String> env = Map.of("AZURE_CLIENT_SECRET", CLIENT_SECRET)::get;
        server.json(401, "{\"error\":\"invalid_client\",\"error_description\":\"AADSTS7000215: Invalid client "
                        + "secret provided.\"}")
                .json(200, "{\"token_type\":\"Bearer\",\"expires_in\":3599,\"ext_expires_in\":3599,"
                        + "\"access_token\":\"eyJ0eXAi.first\"}")
                .json(200, "{\"token_type\":\"Bearer\",\"expires_in\":\"3599\",\"access_token\":\"eyJ0eXAi.second\"}");
        try (CapturedLogs logs = new CapturedLogs("dev.switchboard.providers.credentials", "dev.switchboard.core.config");
                Credential c = Credentials.create(new CredentialSpec.AzureCredentials("tenant-1", "client-1",
                        new SecretSource.Env("AZURE_CLIENT_SECRET"), server.uri("/")), clock, scheduler, env)) {
            scheduler.runDue();
            assertThatThrownBy(() -> c.apply(GcpTokenIT.request()))
                    .isInstanceOf(CredentialsNotReadyException.class)
                    .hasMessage("Entra ID token for client client-1 has not been fetched yet: "
                            + server.uri("/tenant-1/oauth2/v2.0/token") + " answered 401: invalid_client "
                            + "(AADSTS7000215: Invalid client secret provided.)");
            assertThat(c.firstToken().toCompletableFuture()).isNotDone();

            scheduler.advance(RefreshingToken.MIN_RETRY);
            assertThat(GcpTokenIT.bearer(c)).isEqualTo("Bearer eyJ0eXAi.first");
            TokenServer.Received r = server.received().get(1);
            assertThat(r.path()).isEqualTo("/tenant-1/oauth2/v2.0/token");
            assertThat(r.form()).containsExactlyInAnyOrderEntriesOf(Map.of("grant_type", "client_credentials",
                    "client_id", "client-1", "client_secret", CLIENT_SECRET,
                    "scope", "https://cognitiveservices.azure.com/.default"));

            scheduler.advance(Duration.ofSeconds(3599 - 300));
            assertThat(GcpTokenIT.bearer(c)).isEqualTo("Bearer eyJ0eXAi.second");
            assertThat(logs.text()).contains("invalid_client").doesNotContain(CLIENT_SECRET)
                    .doesNotContain("eyJ0eXAi");
        }
    }

    @Test
    void aClientSecretFileIsReadAgainAfterItRotates() throws Exception {
        Path secret = dir.resolve("client-secret");
        Files.writeString(secret, "old-secret\n");
        server.json(200, "{\"token_type\":\"Bearer\",\"expires_in\":3600,\"access_token\":\"a\"}")
                .json(200, "{\"token_type\":\"Bearer\",\"expires_in\":3600,\"access_token\":\"b\"}");
        try (Credential c = Credentials.create(new CredentialSpec.AzureCredentials("t", "c",
                new SecretSource.File(secret), server.uri("")), clock, scheduler, name -> null)) {
            scheduler.runDue();
            assertThat(server.received().getFirst().form()).containsEntry("client_secret", "old-secret");
            Files.writeString(secret, "new-secret\n");
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                scheduler.advance(Duration.ofMinutes(55));
                assertThat(server.received().getLast().form()).containsEntry("client_secret", "new-secret");
            });
        }
    }
}
