package dev.switchboard.providers.credentials;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A service account's OAuth2 access token by the JWT bearer grant (RFC 7523, Google's "OAuth 2.0 for Server to
 * Server Applications"): a JWT signed RS256 with the account's key, claims {@code iss} (the account), {@code scope},
 * {@code aud} (the token URI), {@code iat} and {@code exp} (one hour later, Google's maximum), POSTed as
 * {@code grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer&assertion=<jwt>}; the answer is
 * {@code {"access_token","expires_in","token_type"}}.
 */
final class GcpTokenFetcher implements RefreshingToken.Fetcher<Secret> {
    /** Vertex AI and every Google Cloud API accept a token of this scope. */
    static final String SCOPE = "https://www.googleapis.com/auth/cloud-platform";
    /** Lifetime asked for in the JWT; Google issues tokens for at most one hour. */
    static final long JWT_LIFETIME_SECONDS = 3600;
    static final String GRANT_TYPE = "urn:ietf:params:oauth:grant-type:jwt-bearer";

    private static final Base64.Encoder B64URL = Base64.getUrlEncoder().withoutPadding();

    private final GcpServiceAccount account;
    private final URI tokenUri;
    private final Clock clock;
    private final TokenHttp http;

    /** @param tokenUri where to POST (the key file's {@code token_uri} unless overridden), also the JWT's audience */
    GcpTokenFetcher(GcpServiceAccount account, URI tokenUri, Clock clock, TokenHttp http) {
        this.account = account;
        this.tokenUri = tokenUri;
        this.clock = clock;
        this.http = http;
    }

    @Override
    public Expiring<Secret> fetch() throws Exception {
        Instant now = clock.instant();
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", GRANT_TYPE);
        form.put("assertion", jwt(now));
        JsonNode answer = TokenHttp.JSON.readTree(http.postForm(tokenUri, form, "application/json"));
        return OAuthTokens.bearer(answer, now, TokenHttp.endpoint(tokenUri));
    }

    /** The signed assertion; it is a credential (an hour's worth of tokens) and is never logged. */
    String jwt(Instant now) throws GeneralSecurityException {
        ObjectNode header = TokenHttp.JSON.createObjectNode().put("alg", "RS256").put("typ", "JWT");
        if (account.privateKeyId() != null) {
            header.put("kid", account.privateKeyId());
        }
        ObjectNode claims = TokenHttp.JSON.createObjectNode()
                .put("iss", account.clientEmail())
                .put("scope", SCOPE)
                .put("aud", tokenUri.toString())
                .put("iat", now.getEpochSecond())
                .put("exp", now.getEpochSecond() + JWT_LIFETIME_SECONDS);
        String signingInput = B64URL.encodeToString(header.toString().getBytes(StandardCharsets.UTF_8)) + "."
                + B64URL.encodeToString(claims.toString().getBytes(StandardCharsets.UTF_8));
        Signature rs256 = Signature.getInstance("SHA256withRSA");
        rs256.initSign(account.privateKey());
        rs256.update(signingInput.getBytes(StandardCharsets.US_ASCII));
        return signingInput + "." + B64URL.encodeToString(rs256.sign());
    }
}
