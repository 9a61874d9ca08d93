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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ApiKeyCredentialTest {
    static final String KEY = "sk-ant-api03-secret-key-value";

    @TempDir
    Path dir;
    final FakeClock clock = new FakeClock(Instant.parse("2026-01-01T00:00:00Z"));
    final FakeScheduler scheduler = new FakeScheduler(clock);

    @ParameterizedTest
    @CsvSource({"APIKey, authorization, Bearer " + KEY, "AnthropicAPIKey, x-api-key, " + KEY,
            "AzureAPIKey, api-key, " + KEY, "GeminiAPIKey, x-goog-api-key, " + KEY})
    void eachTypePutsTheKeyInItsHeader(String type, String header, String value) throws Exception {
        Credential c = Credentials.create(new CredentialSpec.ApiKey(ApiKeyType.named(type),
                new SecretSource.Env("KEY")), clock, scheduler, Map.of("KEY", KEY + "\n")::get);
        SignableRequest r = new SignableRequest("POST", "api.example.com", "/v1/x", Map.of(), new byte[0]);
        c.apply(r);
        assertThat(r.headers()).containsExactlyEntriesOf(Map.of(header, value));
        assertThat(c.toString()).doesNotContain(KEY);
        assertThat(r.toString()).doesNotContain(KEY);
    }

    @Test
    void aKeyFileIsTrimmedAndARotatedKeyIsUsedAsSoonAsTheFileChanges() throws Exception {
        Path file = dir.resolve("apiKey");
        Files.writeString(file, KEY + "\n");
        try (CapturedLogs logs = new CapturedLogs("dev.switchboard.providers.credentials", "dev.switchboard.core.config");
                Credential c = Credentials.create(new CredentialSpec.ApiKey(ApiKeyType.ANTHROPIC_API_KEY,
                        new SecretSource.File(file)), clock, scheduler, name -> null)) {
            assertThat(header(c)).isEqualTo(KEY);
            Files.writeString(file, "rotated-key\r\n");
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(header(c)).isEqualTo("rotated-key"));
            // an empty file (half-written, or a mistake) is refused and the current key kept
            Files.writeString(file, "\n");
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(logs.text()).contains("file is empty"));
            assertThat(header(c)).isEqualTo("rotated-key");
            assertThat(logs.text()).doesNotContain(KEY).doesNotContain("rotated-key");
        }
    }

    @Test
    void aMissingVariableOrFileFailsAtCreationNamingItNotAValue() {
        assertThatThrownBy(() -> Credentials.create(new CredentialSpec.ApiKey(ApiKeyType.API_KEY,
                new SecretSource.Env("OPENAI_API_KEY")), clock, scheduler, name -> null))
                .hasMessage("environment variable OPENAI_API_KEY is not set");
        Path missing = dir.resolve("nope");
        assertThatThrownBy(() -> Credentials.create(new CredentialSpec.ApiKey(ApiKeyType.API_KEY,
                new SecretSource.File(missing)), clock, scheduler, name -> null))
                .hasMessage(missing + " cannot be read (NoSuchFileException)");
    }

    @Test
    void aHeaderOverrideKeepsTheValueBare() throws Exception {
        Credential c = Credentials.create(new CredentialSpec.ApiKey(ApiKeyType.AZURE_API_KEY, "X-Custom-Key",
                new SecretSource.Env("K")), clock, scheduler, Map.of("K", "v")::get);
        SignableRequest r = new SignableRequest("GET", "h", "/", Map.of(), new byte[0]);
        c.apply(r);
        assertThat(r.headers()).containsExactlyEntriesOf(Map.of("x-custom-key", "v"));
    }

    private static String header(Credential c) throws CredentialsNotReadyException {
        SignableRequest r = new SignableRequest("POST", "api.anthropic.com", "/v1/messages", Map.of(), new byte[0]);
        c.apply(r);
        return r.header("x-api-key");
    }
}
