package dev.switchboard.providers.credentials;

import dev.switchboard.testing.CapturedLogs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** STS AssumeRoleWithWebIdentity against an endpoint on loopback, the keys used to sign Bedrock requests. */
class WebIdentityIT {
    static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    static final String OIDC_TOKEN = "eyJhbGciOiJSUzI1NiJ9.oidc-token.sig";

    @TempDir
    Path dir;
    final FakeClock clock = new FakeClock(T0);
    final FakeScheduler scheduler = new FakeScheduler(clock);
    final TokenServer server;

    WebIdentityIT() throws Exception {
        server = new TokenServer();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    static String stsAnswer(String keyId, String secret, String session, Instant expiration) {
        return "<AssumeRoleWithWebIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">"
                + "<AssumeRoleWithWebIdentityResult><SubjectFromWebIdentityToken>system:serviceaccount:ns:sa"
                + "</SubjectFromWebIdentityToken><Credentials><SessionToken>" + session + "</SessionToken>"
                + "<SecretAccessKey>" + secret + "</SecretAccessKey><Expiration>" + expiration + "</Expiration>"
                + "<AccessKeyId>" + keyId + "</AccessKeyId></Credentials></AssumeRoleWithWebIdentityResult>"
                + "</AssumeRoleWithWebIdentityResponse>";
    }

    @Test
    void assumesTheRoleSignsWithTheSessionAndRefreshesBeforeExpiry() throws Exception {
        Path tokenFile = dir.resolve("token");
        Files.writeString(tokenFile, OIDC_TOKEN + "\n");
        server.answer(200, "text/xml", stsAnswer("ASIAFIRST", "secret-one", "session-one", T0.plusSeconds(3600)))
                .answer(200, "text/xml", stsAnswer("ASIASECOND", "secret-two", "session-two", T0.plusSeconds(7200)));
        try (CapturedLogs logs = new CapturedLogs("dev.switchboard.providers.credentials", "dev.switchboard.core.config");
                Credential c = Credentials.create(new CredentialSpec.AwsCredentials("us-east-1", null, null,
                        "arn:aws:iam::123456789012:role/gw", tokenFile, server.uri("/")), clock, scheduler,
                        name -> null)) {
            assertThatThrownBy(() -> c.apply(bedrockRequest())).isInstanceOf(CredentialsNotReadyException.class);
            scheduler.runDue();
            TokenServer.Received r = server.received().getFirst();
            assertThat(r.form()).containsExactlyInAnyOrderEntriesOf(Map.of("Action", "AssumeRoleWithWebIdentity",
                    "Version", "2011-06-15", "RoleArn", "arn:aws:iam::123456789012:role/gw",
                    "RoleSessionName", "switchboard", "WebIdentityToken", OIDC_TOKEN));

            SignableRequest signed = bedrockRequest();
            c.apply(signed);
            assertThat(signed.header("x-amz-security-token")).isEqualTo("session-one");
            assertThat(signed.header("x-amz-date")).isEqualTo("20260101T000000Z");
            assertThat(signed.header("authorization")).startsWith(
                    "AWS4-HMAC-SHA256 Credential=ASIAFIRST/20260101/us-east-1/bedrock/aws4_request, "
                            + "SignedHeaders=content-type;host;x-amz-content-sha256;x-amz-date;x-amz-security-token, ");

            scheduler.advance(Duration.ofMinutes(55));
            SignableRequest later = bedrockRequest();
            c.apply(later);
            assertThat(later.header("authorization")).contains("Credential=ASIASECOND/");
            assertThat(later.header("x-amz-security-token")).isEqualTo("session-two");
            assertThat(logs.text()).doesNotContain("secret-one").doesNotContain("session-one")
                    .doesNotContain(OIDC_TOKEN);
            assertThat(c.toString()).doesNotContain("secret").doesNotContain("session-");
        }
    }

    @Test
    void anStsErrorIsReportedWithItsCode() throws Exception {
        Path tokenFile = dir.resolve("token");
        Files.writeString(tokenFile, OIDC_TOKEN);
        server.answer(400, "text/xml", "<ErrorResponse><Error><Type>Sender</Type><Code>InvalidIdentityToken</Code>"
                + "<Message>No OpenIDConnect provider found in your account</Message></Error></ErrorResponse>");
        try (Credential c = Credentials.create(new CredentialSpec.AwsCredentials("us-east-1", null, null,
                "arn:aws:iam::1:role/r", tokenFile, server.uri("/")), clock, scheduler, name -> null)) {
            scheduler.runDue();
            assertThatThrownBy(() -> c.apply(bedrockRequest())).hasMessage("AWS keys for arn:aws:iam::1:role/r has "
                    + "not been fetched yet: " + server.uri("/") + " answered 400: InvalidIdentityToken (No "
                    + "OpenIDConnect provider found in your account)");
        }
    }

    @Test
    void theDefaultChainFallsBackToWebIdentityFromTheEnvironment() throws Exception {
        Path tokenFile = dir.resolve("token");
        Files.writeString(tokenFile, OIDC_TOKEN);
        server.answer(200, "text/xml", stsAnswer("ASIAENV", "s", "t", T0.plusSeconds(3600)));
        Map<String, String> env = Map.of("AWS_WEB_IDENTITY_TOKEN_FILE", tokenFile.toString(),
                "AWS_ROLE_ARN", "arn:aws:iam::1:role/env", "AWS_ROLE_SESSION_NAME", "pod-1",
                "HOME", dir.resolve("no-home").toString());
        CredentialSpec.AwsCredentials spec = new CredentialSpec.AwsCredentials("eu-west-1", null, null, null, null,
                server.uri("/"));
        try (Credential c = Credentials.create(spec, clock, scheduler, env::get)) {
            scheduler.runDue();
            assertThat(server.received().getFirst().form()).containsEntry("RoleArn", "arn:aws:iam::1:role/env")
                    .containsEntry("RoleSessionName", "pod-1");
            SignableRequest r = bedrockRequest();
            c.apply(r);
            assertThat(r.header("authorization")).contains("Credential=ASIAENV/20260101/eu-west-1/bedrock/");
        }
    }

    static SignableRequest bedrockRequest() {
        return new SignableRequest("POST", "bedrock-runtime.us-east-1.amazonaws.com",
                "/model/anthropic.claude-3-5-sonnet-20240620-v1%3A0/converse",
                Map.of("content-type", "application/json"), "{}".getBytes(StandardCharsets.UTF_8));
    }
}
