package dev.switchboard.policy.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.switchboard.policy.Quota;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** An issuer for tests: signing keys, tokens and the config that accepts them. */
final class Tokens {
    static final String ISSUER = "https://login.example.test/";
    static final Instant NOW = Instant.parse("2026-12-01T10:00:00Z");
    static final Quota GOLD = new Quota(600, 2_000_000, new Quota.Budget(500_000_000, Duration.ofDays(30)));

    private Tokens() {}

    static RSAKey rsa(String kid) {
        try {
            return new RSAKeyGenerator(2048).keyID(kid).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    static ECKey ec(String kid) {
        try {
            return new ECKeyGenerator(Curve.P_256).keyID(kid).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The public JWKS document of {@code keys}. */
    static String jwks(JWK... keys) {
        return new JWKSet(List.of(keys)).toString(true);
    }

    /** Claims that the config of {@link #config} accepts at {@link #NOW}. */
    static JWTClaimsSet.Builder claims() {
        return new JWTClaimsSet.Builder().issuer(ISSUER).audience(List.of("other", "switchboard")).subject("user-42")
                .issueTime(Date.from(NOW.minusSeconds(60))).notBeforeTime(Date.from(NOW.minusSeconds(60)))
                .expirationTime(Date.from(NOW.plusSeconds(600))).claim("org", "search").claim("tier", "gold")
                .claim("models", List.of("gpt-4o-mini", "claude-sonnet-4"));
    }

    static String sign(JWK key, JWTClaimsSet claims) {
        try {
            boolean isRsa = key instanceof RSAKey;
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(isRsa ? JWSAlgorithm.RS256 : JWSAlgorithm.ES256)
                    .keyID(key.getKeyID()).type(JOSEObjectType.JWT).build(), claims);
            jwt.sign(isRsa ? new RSASSASigner((RSAKey) key) : new ECDSASigner((ECKey) key));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    static AuthConfig.Jwt config(Path jwksFile, java.net.URI jwksUrl) {
        return new AuthConfig.Jwt(ISSUER, Set.of("switchboard"), jwksFile, jwksUrl, Duration.ofMinutes(10),
                JwtAuthenticator.DEFAULT_ALGORITHMS, List.of("org"), Duration.ofSeconds(30),
                new AuthConfig.Claims(Map.of("team", "org"), "models", null, "tier", Map.of("gold", GOLD), null));
    }
}
