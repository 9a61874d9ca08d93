package dev.switchboard.providers.credentials;

import dev.switchboard.testing.CapturedLogs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where SigV4 keys come from: the environment, a profile of a credentials file (watched), the chain's order. */
class AwsKeysTest {
    static final String FILE = """
            # comment
            [default]
            aws_access_key_id = AKIADEFAULT
            aws_secret_access_key = default-secret

            [profile bedrock]
            aws_access_key_id=AKIABEDROCK
            aws_secret_access_key=bedrock-secret
            aws_session_token=bedrock-session
            """;

    @TempDir
    Path dir;
    final FakeClock clock = new FakeClock(Instant.parse("2026-01-01T00:00:00Z"));
    final FakeScheduler scheduler = new FakeScheduler(clock);

    @Test
    void profilesAreReadByName() {
        AwsKeys d = AwsProfileFile.keys(FILE.getBytes(StandardCharsets.UTF_8), "default");
        assertThat(d.accessKeyId()).isEqualTo("AKIADEFAULT");
        assertThat(d.secretAccessKey().reveal()).isEqualTo("default-secret");
        assertThat(d.sessionToken()).isNull();
        AwsKeys b = AwsProfileFile.keys(FILE.getBytes(StandardCharsets.UTF_8), "bedrock");
        assertThat(b.sessionToken().reveal()).isEqualTo("bedrock-session");
        assertThat(b.toString()).isEqualTo("AwsKeys[AKIA…, with session token]");
        assertThatThrownBy(() -> AwsProfileFile.keys(FILE.getBytes(StandardCharsets.UTF_8), "other"))
                .hasMessage("the credentials file has no profile [other]");
    }

    @Test
    void theEnvironmentComesFirstInTheDefaultChain() throws Exception {
        Path home = dir.resolve("home");
        Files.createDirectories(home.resolve(".aws"));
        Files.writeString(home.resolve(".aws/credentials"), FILE);
        Map<String, String> env = Map.of("AWS_ACCESS_KEY_ID", "AKIAENV", "AWS_SECRET_ACCESS_KEY", "env-secret",
                "HOME", home.toString());
        assertThat(credentialOf(env)).contains("Credential=AKIAENV/");
        // without the variables: the profile AWS_PROFILE names, of ~/.aws/credentials
        assertThat(credentialOf(Map.of("HOME", home.toString(), "AWS_PROFILE", "bedrock")))
                .contains("Credential=AKIABEDROCK/");
        assertThat(credentialOf(Map.of("HOME", home.toString()))).contains("Credential=AKIADEFAULT/");
        assertThatThrownBy(() -> credentialOf(Map.of("HOME", dir.resolve("empty").toString())))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("no AWS credentials found");
    }

    @Test
    void aCredentialsFileIsWatchedSoRotatedKeysSignTheNextRequest() throws Exception {
        Path file = dir.resolve("credentials");
        Files.writeString(file, FILE);
        try (CapturedLogs logs = new CapturedLogs("dev.switchboard.providers.credentials", "dev.switchboard.core.config");
                Credential c = Credentials.create(new CredentialSpec.AwsCredentials("us-east-1", file, "bedrock",
                        null, null, null), clock, scheduler, name -> null)) {
            assertThat(sign(c).header("authorization")).contains("Credential=AKIABEDROCK/");
            Files.writeString(file, FILE.replace("AKIABEDROCK", "AKIAROTATED").replace("bedrock-session", "s2"));
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                SignableRequest r = sign(c);
                assertThat(r.header("authorization")).contains("Credential=AKIAROTATED/");
                assertThat(r.header("x-amz-security-token")).isEqualTo("s2");
            });
            assertThat(logs.text()).doesNotContain("bedrock-secret").doesNotContain("bedrock-session");
        }
    }

    private String credentialOf(Map<String, String> env) throws CredentialsNotReadyException {
        try (Credential c = Credentials.create(CredentialSpec.AwsCredentials.defaultChain("us-east-1"), clock,
                scheduler, env::get)) {
            return sign(c).header("authorization");
        }
    }

    private static SignableRequest sign(Credential c) throws CredentialsNotReadyException {
        SignableRequest r = WebIdentityIT.bedrockRequest();
        c.apply(r);
        return r;
    }
}
