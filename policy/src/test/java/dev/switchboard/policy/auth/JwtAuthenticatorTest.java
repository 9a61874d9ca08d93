package dev.switchboard.policy.auth;

import dev.switchboard.testing.CapturedLogs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import dev.switchboard.policy.Principal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JwtAuthenticatorTest {
    static final RSAKey RSA = Tokens.rsa("rsa-1");
    static final ECKey EC = Tokens.ec("ec-1");

    @TempDir
    Path dir;
    Path jwksFile;
    JwtAuthenticator jwt;

    @BeforeEach
    void start() throws Exception {
        jwksFile = dir.resolve("jwks.json");
        Files.writeString(jwksFile, Tokens.jwks(RSA.toPublicJWK(), EC.toPublicJWK()));
        jwt = at(Clock.fixed(Tokens.NOW, ZoneOffset.UTC));
    }

    private JwtAuthenticator at(Clock clock) {
        return new JwtAuthenticator(Tokens.config(jwksFile, null), new JwksFile(jwksFile), clock);
    }

    @AfterEach
    void stop() {
        jwt.close();
    }

    static AuthResult bearer(Authenticator a, String token) {
        return a.authenticate(ClientCredentials.ofHeaders(Map.of("authorization", "Bearer " + token)));
    }

    static AuthResult.Denied denied(AuthResult r, int status, String message) {
        assertThat(r).isInstanceOf(AuthResult.Denied.class);
        AuthResult.Denied d = (AuthResult.Denied) r;
        assertThat(d.status()).isEqualTo(status);
        assertThat(d.message()).startsWith(message);
        return d;
    }

    @Test
    void aValidTokenGivesThePrincipalItsClaimsMapTo() {
        Principal expected = new Principal("user-42", Principal.Source.JWT, Map.of("team", "search"),
                Set.of("gpt-4o-mini", "claude-sonnet-4"), Set.of(), Tokens.GOLD);
        assertThat(bearer(jwt, Tokens.sign(RSA, Tokens.claims().build())))
                .isEqualTo(new AuthResult.Authenticated(expected));
        assertThat(bearer(jwt, Tokens.sign(EC, Tokens.claims().audience("switchboard").build())))
                .isEqualTo(new AuthResult.Authenticated(expected));
    }

    @Test
    void wrongAudienceAndWrongIssuerAreRefused() {
        AuthResult.Denied d = denied(bearer(jwt, Tokens.sign(RSA, Tokens.claims().audience("someone-else").build())),
                401, "token audience not accepted; expected one of switchboard");
        assertThat(d.code()).isEqualTo("invalid_token");
        assertThat(d.headers()).containsEntry("WWW-Authenticate", "Bearer realm=\"switchboard\", error=\"invalid_token\"");
        denied(bearer(jwt, Tokens.sign(RSA, Tokens.claims().audience(List.of()).build())), 401, "token audience");
        denied(bearer(jwt, Tokens.sign(RSA, Tokens.claims().issuer("https://evil.test/").build())), 401,
                "token issuer not accepted; expected " + Tokens.ISSUER);
    }

    @Test
    void expiryAndNotBeforeHoldWithTheClockSkew() {
        String expired = Tokens.sign(RSA, Tokens.claims().expirationTime(Date.from(Tokens.NOW.minusSeconds(30))).build());
        assertThat(denied(bearer(jwt, expired), 401, "token expired at 2026-12-01T09:59:30Z").code())
                .isEqualTo("token_expired");
        String withinSkew = Tokens.sign(RSA, Tokens.claims().expirationTime(Date.from(Tokens.NOW.minusSeconds(29))).build());
        assertThat(bearer(jwt, withinSkew)).isInstanceOf(AuthResult.Authenticated.class);
        denied(bearer(jwt, Tokens.sign(RSA, Tokens.claims().notBeforeTime(Date.from(Tokens.NOW.plusSeconds(31))).build())),
                401, "token not valid before");
        denied(bearer(jwt, Tokens.sign(RSA, Tokens.claims().issueTime(Date.from(Tokens.NOW.plusSeconds(31))).build())),
                401, "token issued in the future");
        denied(bearer(jwt, Tokens.sign(RSA, Tokens.claims().expirationTime(null).build())), 401, "token has no expiry");
    }

    @Test
    void requiredClaimsAndTheSubjectMustBeThere() {
        denied(bearer(jwt, Tokens.sign(RSA, Tokens.claims().claim("org", null).build())), 401,
                "token lacks the required claim org");
        denied(bearer(jwt, Tokens.sign(RSA, Tokens.claims().subject(null).build())), 401, "token has no subject");
    }

    @Test
    void onlyPrintableBoundedLabelsAreCopied() {
        Principal odd = ((AuthResult.Authenticated) bearer(jwt, Tokens.sign(RSA, Tokens.claims()
                .claim("org", "team\nx-injected: 1").build()))).principal();
        assertThat(odd.labels()).isEmpty();
        Principal longOne = ((AuthResult.Authenticated) bearer(jwt, Tokens.sign(RSA, Tokens.claims()
                .claim("org", "x".repeat(500)).build()))).principal();
        assertThat(longOne.labels().get("team")).hasSize(JwtAuthenticator.MAX_LABEL_LENGTH);
    }

    @Test
    void anUnknownTierIsForbidden() {
        AuthResult.Denied d = denied(bearer(jwt, Tokens.sign(RSA, Tokens.claims().claim("tier", "platinum").build())),
                403, "token's tier (claim tier) is not one of gold");
        assertThat(d.code()).isEqualTo("unknown_tier");
        denied(bearer(jwt, Tokens.sign(RSA, Tokens.claims().claim("tier", null).build())), 403, "token has no tier");
    }

    @Test
    void aTamperedPayloadIsRefused() throws Exception {
        String[] parts = Tokens.sign(RSA, Tokens.claims().build()).split("\\.");
        String payload = new String(Base64URL.from(parts[1]).decode(), StandardCharsets.UTF_8)
                .replace("\"gold\"", "\"diamond\"").replace("user-42", "admin");
        String tampered = parts[0] + "." + Base64URL.encode(payload) + "." + parts[2];
        denied(bearer(jwt, tampered), 401, "invalid token signature");
        // and a signature from another key with the same kid
        denied(bearer(jwt, Tokens.sign(Tokens.rsa("rsa-1"), Tokens.claims().build())), 401, "invalid token signature");
    }

    @Test
    void algNoneIsRefused() {
        String none = new PlainJWT(Tokens.claims().build()).serialize();
        denied(bearer(jwt, none), 401, "unsigned tokens (alg: none) are refused");
        // "none" spelled otherwise, with the RSA kid and its real signature
        String[] parts = Tokens.sign(RSA, Tokens.claims().build()).split("\\.");
        String header = Base64URL.encode("{\"alg\":\"NONE\",\"kid\":\"rsa-1\"}").toString();
        denied(bearer(jwt, header + "." + parts[1] + "." + parts[2]), 401, "token algorithm NONE is not accepted");
        denied(bearer(jwt, header + "." + parts[1] + "."), 401, "malformed token"); // a JWS with no signature
    }

    @Test
    void hs256SignedWithTheRsaPublicKeyIsRefused() throws Exception {
        byte[] publicKey = RSA.toRSAPublicKey().getEncoded(); // what a confused verifier would use as the HMAC secret
        SignedJWT confused = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID("rsa-1").build(),
                Tokens.claims().build());
        confused.sign(new MACSigner(publicKey));
        denied(bearer(jwt, confused.serialize()), 401, "token algorithm HS256 is not accepted");

        // even with HS256 allowed by a mistaken config, the RSA key does not fit it
        AuthConfig.Jwt c = Tokens.config(jwksFile, null);
        try (JwtAuthenticator lax = new JwtAuthenticator(new AuthConfig.Jwt(c.issuer(), c.audiences(), c.jwksFile(), null,
                c.jwksRefresh(), Set.of("RS256", "ES256"), c.requiredClaims(), c.clockSkew(), c.principal()),
                new JwksFile(jwksFile), Clock.fixed(Tokens.NOW, ZoneOffset.UTC))) {
            // an ES256 header against the RSA key, and an RS256 header against the EC key
            SignedJWT rsaAsEc = SignedJWT.parse(Tokens.sign(EC, Tokens.claims().build()));
            String[] p = rsaAsEc.serialize().split("\\.");
            String esHeaderRsaKid = Base64URL.encode("{\"alg\":\"ES256\",\"kid\":\"rsa-1\"}").toString();
            denied(bearer(lax, esHeaderRsaKid + "." + p[1] + "." + p[2]), 401, "token algorithm ES256 does not fit its key");
        }
    }

    @Test
    void anUnknownKidIsRefusedAndAJwksFileChangeBringsItIn() throws Exception {
        RSAKey next = Tokens.rsa("rsa-2");
        String token = Tokens.sign(next, Tokens.claims().build());
        denied(bearer(jwt, token), 401, "token signed with an unknown key (kid)");
        String noKid = Tokens.sign(RSA, Tokens.claims().build());
        Files.writeString(jwksFile, Tokens.jwks(next.toPublicJWK()));
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(bearer(jwt, token)).isInstanceOf(AuthResult.Authenticated.class));
        denied(bearer(jwt, noKid), 401, "token signed with an unknown key");
    }

    @Test
    void aJwksFileWithPrivateKeysIsReadForItsPublicPartsOnly() throws Exception {
        Path withPrivate = dir.resolve("private.json");
        // a mistake: the issuer's signing key itself, private exponent and all
        Files.writeString(withPrivate, new com.nimbusds.jose.jwk.JWKSet(RSA).toString(false));
        assertThat(Files.readString(withPrivate)).contains(RSA.getPrivateExponent().toString());
        try (CapturedLogs logs = new CapturedLogs("dev.switchboard.policy.auth", "dev.switchboard.core.config"); JwksFile f = new JwksFile(withPrivate)) {
            assertThat(f.current().keys().getKeys()).singleElement().satisfies(k -> assertThat(k.isPrivate()).isFalse());
            assertThat(f.current().keys().toString(false) + logs.text()).doesNotContain(RSA.getPrivateExponent().toString());
        }
    }

    @Test
    void otherCredentialsAreLeftToTheNextAuthenticator() {
        assertThat(bearer(jwt, "sk-sb-0123456789abcdef-secret")).isEqualTo(AuthResult.ABSTAINED);
        assertThat(bearer(jwt, "a.b")).isEqualTo(AuthResult.ABSTAINED);
        denied(bearer(jwt, "a.b.c"), 401, "malformed token");
    }

    @Test
    void refusalsAndLogsHoldNoTokenOrKey() {
        String token = Tokens.sign(RSA, Tokens.claims().audience("nope").build());
        try (CapturedLogs logs = new CapturedLogs("dev.switchboard.policy.auth", "dev.switchboard.core.config")) {
            AuthResult r = bearer(jwt, token);
            assertThat(r.toString() + logs.text() + jwt).doesNotContain(token).doesNotContain(token.split("\\.")[2])
                    .doesNotContain(RSA.getPrivateExponent().toString());
        }
    }
}
