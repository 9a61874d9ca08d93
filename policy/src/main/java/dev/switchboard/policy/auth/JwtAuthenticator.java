package dev.switchboard.policy.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.SignedJWT;
import dev.switchboard.policy.Principal;
import dev.switchboard.policy.Quota;
import java.text.ParseException;
import java.time.Clock;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Bearer JWTs (three dot-separated parts) verified with keys from a JWKS file or URL ({@link JwksSource}), with
 * nimbus-jose-jwt doing the parsing and the signature math and this class deciding, in this order:
 * <ol>
 *   <li>the header: {@code alg} one of the configured asymmetric algorithms ({@code none}, unsigned and encrypted
 *       tokens never); a {@code kid} naming a key held;</li>
 *   <li>the key fits the algorithm: an RSA key for RS/PS, an EC key of the algorithm's curve for ES, and the key's
 *       own {@code alg} and {@code use}, when it has them, agree. So a token signed with HS256 and the RSA public
 *       key as the HMAC secret (algorithm confusion) is refused before any verification;</li>
 *   <li>the signature;</li>
 *   <li>the claims: {@code iss}, {@code aud} (a string or a list), {@code exp} (required), {@code nbf},
 *       {@code iat} not in the future, each with the configured clock skew; {@code sub} and the required claims
 *       present;</li>
 *   <li>the principal: id from {@code sub}, labels, models, routes and a tier's quota from the configured claims.</li>
 * </ol>
 * A token whose {@code kid} is unknown asks the source to refetch (a URL does, at most once a minute) and is refused;
 * the next one is checked against the new keys. Messages never quote the token or its claims' values.
 */
public final class JwtAuthenticator implements Authenticator, AutoCloseable {
    /** What can be configured: RSA and EC signatures. HMAC would need a secret shared with every issuer. */
    static final Set<String> SUPPORTED = Set.of("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384",
            "ES512");
    static final Set<String> DEFAULT_ALGORITHMS = Set.of("RS256", "ES256");
    /** Longest label value copied from a claim: labels land in metrics. */
    static final int MAX_LABEL_LENGTH = 128;

    private final AuthConfig.Jwt config;
    private final JwksSource keys;
    private final Clock clock;

    JwtAuthenticator(AuthConfig.Jwt config, JwksSource keys, Clock clock) {
        for (String alg : config.algorithms()) {
            if (!SUPPORTED.contains(alg)) {
                throw new IllegalArgumentException("JWT algorithm " + alg + " is not supported; use some of "
                        + String.join(", ", new java.util.TreeSet<>(SUPPORTED)));
            }
        }
        this.config = config;
        this.keys = keys;
        this.clock = clock;
    }

    /** Verifies with the keys of {@code config}'s JWKS file or URL; {@link #close()} stops watching or fetching. */
    public static JwtAuthenticator create(AuthConfig.Jwt config, Clock clock) {
        JwksSource source = config.jwksFile() != null ? new JwksFile(config.jwksFile())
                : new JwksUrl(config.jwksUrl(), config.jwksRefresh(), clock);
        return new JwtAuthenticator(config, source, clock);
    }

    @Override
    public AuthResult authenticate(ClientCredentials credentials) {
        PresentedCredential.Reading read = PresentedCredential.read(credentials);
        if (read instanceof PresentedCredential.Refused refused) {
            return refused.denied();
        }
        if (!(read instanceof PresentedCredential.Found found) || !looksLikeJwt(found.value())) {
            return AuthResult.ABSTAINED;
        }
        JWT jwt;
        try {
            jwt = JWTParser.parse(found.value());
        } catch (ParseException e) {
            return invalid("malformed token: not a JWT");
        }
        if (!(jwt instanceof SignedJWT signed)) {
            return invalid("unsigned tokens (alg: none) are refused");
        }
        JWSHeader header = signed.getHeader();
        String alg = header.getAlgorithm().getName();
        if (!config.algorithms().contains(alg)) {
            return invalid("token algorithm " + safe(alg) + " is not accepted; accepted: "
                    + String.join(", ", new java.util.TreeSet<>(config.algorithms())));
        }
        if (header.getKeyID() == null) {
            return invalid("token has no key id (kid)");
        }
        Jwks held = keys.current();
        if (held.keys() == null) {
            keys.unknownKeyId(); // no key is held: every kid is unknown (a URL that failed at start is retried)
            return Denials.invalidToken(held.problem() + "; retry shortly", "keys_not_loaded");
        }
        JWK key = held.keys().getKeyByKeyId(header.getKeyID());
        if (key == null) {
            keys.unknownKeyId();
            return invalid("token signed with an unknown key (kid); if the issuer rotated its keys, retry shortly");
        }
        JWSVerifier verifier;
        try {
            verifier = verifierFor(header.getAlgorithm(), key);
        } catch (JOSEException e) {
            verifier = null;
        }
        if (verifier == null) {
            return invalid("token algorithm " + alg + " does not fit its key (kid)");
        }
        try {
            if (!signed.verify(verifier)) {
                return invalid("invalid token signature");
            }
        } catch (JOSEException e) {
            return invalid("invalid token signature");
        }
        JWTClaimsSet claims;
        try {
            claims = signed.getJWTClaimsSet();
        } catch (ParseException e) {
            return invalid("malformed token: its claims are not a JSON object");
        }
        AuthResult.Denied bad = checkClaims(claims);
        return bad != null ? bad : principal(claims);
    }

    /** Three base64url parts: the shape of a compact JWS (a virtual key or a provider key has no dots). */
    static boolean looksLikeJwt(String s) {
        int first = s.indexOf('.');
        int second = first < 0 ? -1 : s.indexOf('.', first + 1);
        return first > 0 && second > first && s.indexOf('.', second + 1) < 0;
    }

    /** A verifier when the key fits the algorithm; null when it does not (the confusion attacks). */
    private static JWSVerifier verifierFor(JWSAlgorithm alg, JWK key) throws JOSEException {
        if (key.getAlgorithm() != null && !key.getAlgorithm().getName().equals(alg.getName())) {
            return null;
        }
        if (key.getKeyUse() != null && !KeyUse.SIGNATURE.equals(key.getKeyUse())) {
            return null;
        }
        if (JWSAlgorithm.Family.RSA.contains(alg) && key instanceof RSAKey rsa) {
            return new RSASSAVerifier(rsa);
        }
        if (JWSAlgorithm.Family.EC.contains(alg) && key instanceof ECKey ec
                && com.nimbusds.jose.jwk.Curve.forJWSAlgorithm(alg).contains(ec.getCurve())) {
            return new ECDSAVerifier(ec);
        }
        return null;
    }

    private AuthResult.Denied checkClaims(JWTClaimsSet c) {
        Instant now = clock.instant();
        long skew = config.clockSkew().toMillis();
        if (!config.issuer().equals(c.getIssuer())) {
            return invalid("token issuer not accepted; expected " + config.issuer());
        }
        List<String> aud = c.getAudience();
        if (aud.stream().noneMatch(config.audiences()::contains)) {
            return invalid("token audience not accepted; expected one of "
                    + String.join(", ", new java.util.TreeSet<>(config.audiences())));
        }
        if (c.getExpirationTime() == null) {
            return invalid("token has no expiry (exp)");
        }
        if (now.toEpochMilli() >= c.getExpirationTime().getTime() + skew) {
            return Denials.invalidToken("token expired at " + c.getExpirationTime().toInstant(), "token_expired");
        }
        if (c.getNotBeforeTime() != null && now.toEpochMilli() < c.getNotBeforeTime().getTime() - skew) {
            return invalid("token not valid before " + c.getNotBeforeTime().toInstant());
        }
        if (c.getIssueTime() != null && now.toEpochMilli() < c.getIssueTime().getTime() - skew) {
            return invalid("token issued in the future (iat); check the issuer's clock");
        }
        if (c.getSubject() == null || c.getSubject().isEmpty()) {
            return invalid("token has no subject (sub)");
        }
        for (String required : config.requiredClaims()) {
            if (c.getClaim(required) == null) {
                return invalid("token lacks the required claim " + required);
            }
        }
        return null;
    }

    private AuthResult principal(JWTClaimsSet c) {
        AuthConfig.Claims m = config.principal();
        Map<String, String> labels = new LinkedHashMap<>();
        m.labels().forEach((label, claim) -> {
            Object v = c.getClaim(claim);
            if (v instanceof String || v instanceof Number || v instanceof Boolean) {
                String s = v.toString();
                // labels land in metrics and log lines: printable ASCII only, bounded
                if (s.chars().allMatch(ch -> ch >= 0x20 && ch < 0x7f)) {
                    labels.put(label, s.length() > MAX_LABEL_LENGTH ? s.substring(0, MAX_LABEL_LENGTH) : s);
                }
            }
        });
        Quota quota = Quota.NONE;
        if (m.tierClaim() != null && !m.tiers().isEmpty()) {
            Object tier = c.getClaim(m.tierClaim());
            String name = tier instanceof String s ? s : tier == null ? m.defaultTier() : null;
            if (name == null) {
                return Denials.forbidden("token has no tier (claim " + m.tierClaim() + ") and no default tier is"
                        + " configured", "unknown_tier");
            }
            quota = m.tiers().get(name);
            if (quota == null) {
                return Denials.forbidden("token's tier (claim " + m.tierClaim() + ") is not one of "
                        + String.join(", ", new java.util.TreeSet<>(m.tiers().keySet())), "unknown_tier");
            }
        }
        return new AuthResult.Authenticated(new Principal(c.getSubject(), Principal.Source.JWT, labels,
                names(c.getClaim(m.modelsClaim() == null ? "" : m.modelsClaim())),
                names(c.getClaim(m.routesClaim() == null ? "" : m.routesClaim())), quota));
    }

    /** A list claim, or a space-separated string (like OAuth's {@code scope}); anything else is none. */
    private static Set<String> names(Object claim) {
        Set<String> out = new LinkedHashSet<>();
        if (claim instanceof Collection<?> list) {
            for (Object o : list) {
                if (o instanceof String s && !s.isEmpty()) {
                    out.add(s);
                }
            }
        } else if (claim instanceof String s) {
            for (String part : s.trim().split("\\s+")) {
                if (!part.isEmpty()) {
                    out.add(part);
                }
            }
        }
        return out;
    }

    private static AuthResult.Denied invalid(String message) {
        return Denials.invalidToken(message, "invalid_token");
    }

    /** An algorithm name from the token, bounded and printable, for the message. */
    private static String safe(String alg) {
        return alg.length() <= 16 && alg.chars().allMatch(ch -> ch > 0x20 && ch < 0x7f) ? alg : "(unprintable)";
    }

    @Override
    public void close() {
        keys.close();
    }

    @Override
    public String toString() {
        return "JwtAuthenticator[issuer=" + config.issuer() + ", audiences=" + config.audiences() + "]";
    }
}
