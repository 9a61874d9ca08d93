package dev.switchboard.providers.credentials;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * A Microsoft Entra ID access token by the OAuth2 client-credentials grant: POST
 * {@code {authorityHost}/{tenantId}/oauth2/v2.0/token} with {@code client_id}, {@code client_secret},
 * {@code scope=https://cognitiveservices.azure.com/.default} and {@code grant_type=client_credentials}. Written
 * here rather than with {@code com.azure:azure-identity}, which brings Netty 4.1 and Reactor.
 */
final class EntraTokenFetcher implements RefreshingToken.Fetcher<Secret> {
    static final URI DEFAULT_AUTHORITY = URI.create("https://login.microsoftonline.com/");
    /** Azure OpenAI (Cognitive Services) accepts tokens for this resource. */
    static final String SCOPE = "https://cognitiveservices.azure.com/.default";

    private final URI tokenUri;
    private final String clientId;
    private final Supplier<Secret> clientSecret;
    private final Clock clock;
    private final TokenHttp http;

    /** @param clientSecret read at each fetch, so a rotated secret file is picked up by the next refresh */
    EntraTokenFetcher(URI authorityHost, String tenantId, String clientId, Supplier<Secret> clientSecret, Clock clock,
            TokenHttp http) {
        String base = authorityHost.toString();
        this.tokenUri = URI.create((base.endsWith("/") ? base : base + "/") + tenantId + "/oauth2/v2.0/token");
        this.clientId = clientId;
        this.clientSecret = clientSecret;
        this.clock = clock;
        this.http = http;
    }

    URI tokenUri() {
        return tokenUri;
    }

    @Override
    public Expiring<Secret> fetch() throws Exception {
        Instant now = clock.instant();
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "client_credentials");
        form.put("client_id", clientId);
        form.put("client_secret", clientSecret.get().reveal());
        form.put("scope", SCOPE);
        JsonNode answer = TokenHttp.JSON.readTree(http.postForm(tokenUri, form, "application/json"));
        return OAuthTokens.bearer(answer, now, TokenHttp.endpoint(tokenUri));
    }
}
