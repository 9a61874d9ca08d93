package dev.switchboard.policy.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.policy.Principal;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The strict reading of headers and query, through a chain that accepts one fixed credential. */
class PresentedCredentialTest {
    static final String GOOD = "abc.DEF-123_~+/=";

    /** Authenticates {@link #GOOD} only, abstains from anything else. */
    static final Authenticator ONE = c -> PresentedCredential.read(c) instanceof PresentedCredential.Found f
            ? f.value().equals(GOOD) ? new AuthResult.Authenticated(Principal.ANONYMOUS) : AuthResult.ABSTAINED
            : AuthResult.ABSTAINED;
    static final Authenticator CHAIN = Authenticator.chain(List.of(ONE));

    private static AuthResult headers(Map<String, List<String>> h, String query) {
        return CHAIN.authenticate(ClientCredentials.of(h, query));
    }

    private static AuthResult.Denied denied(AuthResult r) {
        assertThat(r).isInstanceOf(AuthResult.Denied.class);
        AuthResult.Denied d = (AuthResult.Denied) r;
        assertThat(d.status()).isEqualTo(401);
        assertThat(d.message()).doesNotContain(GOOD);
        return d;
    }

    @Test
    void eachSdkHeaderIsAccepted() {
        for (String h : List.of("Authorization", "x-api-key", "API-Key", "x-goog-api-key")) {
            String v = h.equals("Authorization") ? "Bearer " + GOOD : GOOD;
            assertThat(headers(Map.of(h, List.of(v)), null)).as(h).isInstanceOf(AuthResult.Authenticated.class);
        }
        assertThat(headers(Map.of("authorization", List.of("bEaReR " + GOOD)), null))
                .isInstanceOf(AuthResult.Authenticated.class);
    }

    @Test
    void noCredentialsSaysWhichHeadersToSend() {
        AuthResult.Denied d = denied(headers(Map.of("content-type", List.of("application/json")), "stream=true"));
        assertThat(d.code()).isEqualTo("missing_credentials");
        assertThat(d.message()).contains("Authorization: Bearer <key>").contains("x-api-key").contains("api-key")
                .contains("x-goog-api-key");
        assertThat(d.headers()).containsEntry("WWW-Authenticate", "Bearer realm=\"switchboard\"");
    }

    @Test
    void aKeyInTheQueryStringIsRefusedEvenWithAGoodHeader() {
        for (String q : List.of("key=" + GOOD, "alt=sse&api_key=x", "access_token=x", "%6Bey=x", "API_KEY=x")) {
            AuthResult.Denied d = denied(headers(Map.of("x-api-key", List.of(GOOD)), q));
            assertThat(d.code()).as(q).isEqualTo("credential_in_query");
            assertThat(d.message()).contains("send it in a header").contains("logs");
        }
        assertThat(headers(Map.of("x-api-key", List.of(GOOD)), "keyword=x&monkey=y"))
                .isInstanceOf(AuthResult.Authenticated.class);
    }

    @Test
    void twoAuthorizationHeadersAreRefused() {
        AuthResult.Denied d = denied(headers(Map.of("authorization", List.of("Bearer " + GOOD, "Bearer other")), null));
        assertThat(d.code()).isEqualTo("malformed_credentials");
        assertThat(d.message()).contains("authorization was sent 2 times");
        // the same name in two cases is still two headers
        denied(headers(Map.of("Authorization", List.of("Bearer " + GOOD), "authorization", List.of("Bearer " + GOOD)),
                null));
    }

    @Test
    void aCommaJoinedSecondValueIsRefused() {
        assertThat(denied(headers(Map.of("authorization", List.of("Bearer " + GOOD + ", Bearer other")), null))
                .message()).contains("more than one value");
        denied(headers(Map.of("x-api-key", List.of(GOOD + ",x")), null));
    }

    @Test
    void outerWhitespaceIsRemovedInnerWhitespaceControlAndNonAsciiAreRefused() {
        assertThat(headers(Map.of("authorization", List.of(" \tBearer " + GOOD + " \t")), null))
                .isInstanceOf(AuthResult.Authenticated.class);
        for (String bad : List.of("Bearer  " + GOOD, "Bearer\t" + GOOD, "Bearer " + GOOD + "\u0000", "Bearer " + GOOD
                + "é", "Bearer " + GOOD + "\r\nx-api-key: y", "Bearer ab cd", "Bearer " + "\u00a0" + GOOD)) {
            assertThat(denied(headers(Map.of("authorization", List.of(bad)), null)).code()).as(bad)
                    .isEqualTo("malformed_credentials");
        }
    }

    @Test
    void anotherSchemeOrAnEmptyValueIsRefused() {
        assertThat(denied(headers(Map.of("authorization", List.of("Basic dXNlcjpwYXNz")), null)).message())
                .contains("Bearer scheme");
        denied(headers(Map.of("authorization", List.of("Bearer ")), null));
        denied(headers(Map.of("x-api-key", List.of("")), null));
    }

    @Test
    void twoHeadersWithTheSameValueAreOneCredentialDifferentValuesAreRefused() {
        assertThat(headers(Map.of("authorization", List.of("Bearer " + GOOD), "x-api-key", List.of(GOOD)), null))
                .isInstanceOf(AuthResult.Authenticated.class);
        AuthResult.Denied d = denied(headers(Map.of("authorization", List.of("Bearer " + GOOD), "x-goog-api-key",
                List.of("other")), null));
        assertThat(d.message()).contains("authorization and x-goog-api-key carry different credentials");
    }

    @Test
    void aCredentialNobodyRecognizesIsInvalid() {
        AuthResult.Denied d = denied(headers(Map.of("authorization", List.of("Bearer sk-proj-abc")), null));
        assertThat(d.code()).isEqualTo("invalid_credentials");
        assertThat(d.headers().get("WWW-Authenticate")).contains("error=\"invalid_token\"");
    }

    @Test
    void credentialsDoNotShowTheirHeadersInToString() {
        ClientCredentials c = ClientCredentials.ofHeaders(Map.of("x-api-key", GOOD));
        assertThat(c.toString()).doesNotContain(GOOD);
        assertThat(PresentedCredential.read(c).toString()).doesNotContain(GOOD).contains("x-api-key");
    }
}
